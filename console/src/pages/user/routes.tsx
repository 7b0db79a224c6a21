import { IconUserCog } from "@tabler/icons-react";
import type { RouteObject } from "react-router";
import type { NavigationItem } from "../../app/navigation";

/** The signed-in user's settings, one tab per path under `user/`. */
export const routes: RouteObject[] = [
  {
    path: "user/*",
    lazy: async () => ({ Component: (await import("./UserSettings")).UserSettings }),
  },
];

export const navigation: NavigationItem[] = [
  { label: "User settings", to: "/user", icon: IconUserCog },
];

import { IconUserCog } from "@tabler/icons-react";
import { lazy } from "react";
import type { RouteObject } from "react-router";

const UserSettings = lazy(() =>
  import("./UserSettings").then((m) => ({ default: m.UserSettings })),
);

/** The signed-in user's settings, one tab per path under `user/`. */
export const routes: RouteObject[] = [{ path: "user/*", element: <UserSettings /> }];

export const navigation = [{ label: "User settings", to: "/user", icon: IconUserCog }];

import { IconUserCog } from "@tabler/icons-react";
import type { RouteObject } from "react-router";
import type { NavigationItem } from "../../app/navigation";

/** The User settings area (its first version: the page's title). */
export const routes: RouteObject[] = [
  {
    path: "user",
    lazy: async () => {
      const { AreaHeading } = await import("../../app/AreaHeading");
      return { Component: () => <AreaHeading title="User settings" /> };
    },
  },
];

export const navigation: NavigationItem[] = [
  { label: "User settings", to: "/user", icon: IconUserCog },
];

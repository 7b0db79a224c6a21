import { IconShieldLock } from "@tabler/icons-react";
import type { RouteObject } from "react-router";
import type { NavigationItem } from "../../app/navigation";

/** The User management area (its first version: the page's title). */
export const routes: RouteObject[] = [
  {
    path: "admin/users",
    lazy: async () => {
      const { AreaHeading } = await import("../../app/AreaHeading");
      return { Component: () => <AreaHeading title="User management" /> };
    },
  },
];

export const navigation: NavigationItem[] = [
  { label: "Users", to: "/admin/users", icon: IconShieldLock, adminOnly: true },
];

import { IconUsersGroup } from "@tabler/icons-react";
import type { RouteObject } from "react-router";
import type { NavigationItem } from "../../app/navigation";

/** The Organizations area (its first version: the page's title). */
export const routes: RouteObject[] = [
  {
    path: "organizations",
    lazy: async () => {
      const { AreaHeading } = await import("../../app/AreaHeading");
      return { Component: () => <AreaHeading title="Organizations" /> };
    },
  },
];

export const navigation: NavigationItem[] = [
  { label: "Organizations", to: "/organizations", icon: IconUsersGroup },
];

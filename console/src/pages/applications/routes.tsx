import { IconApps } from "@tabler/icons-react";
import type { RouteObject } from "react-router";
import type { NavigationItem } from "../../app/navigation";

/** The Applications area (its first version: the page's title). */
export const routes: RouteObject[] = [
  {
    path: "applications",
    lazy: async () => {
      const { AreaHeading } = await import("../../app/AreaHeading");
      return { Component: () => <AreaHeading title="Applications" /> };
    },
  },
];

export const navigation: NavigationItem[] = [
  { label: "Applications", to: "/applications", icon: IconApps },
];

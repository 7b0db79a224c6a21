import { IconLayoutDashboard } from "@tabler/icons-react";
import type { RouteObject } from "react-router";
import type { NavigationItem } from "../../app/navigation";

/** The Overview (its first version: the page's title and who is signed in). */
export const routes: RouteObject[] = [
  {
    index: true,
    lazy: async () => {
      const { OverviewHeading } = await import("./OverviewHeading");
      return { Component: OverviewHeading };
    },
  },
];

export const navigation: NavigationItem[] = [
  { label: "Overview", to: "/", icon: IconLayoutDashboard },
];

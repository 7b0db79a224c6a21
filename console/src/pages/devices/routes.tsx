import type { RouteObject } from "react-router";
import type { NavigationItem } from "../../app/navigation";

/** The end devices of an application (its first version: the page's title). */
export const routes: RouteObject[] = [
  {
    path: "applications/:appId/devices",
    lazy: async () => {
      const { AreaHeading } = await import("../../app/AreaHeading");
      return { Component: () => <AreaHeading title="End devices" /> };
    },
  },
];

/** Devices are reached through their application: no sidebar entry of their own. */
export const navigation: NavigationItem[] = [];

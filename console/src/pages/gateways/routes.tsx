import { IconRouter } from "@tabler/icons-react";
import type { RouteObject } from "react-router";
import type { NavigationItem } from "../../app/navigation";

/** The Gateways area (its first version: the page's title). */
export const routes: RouteObject[] = [
  {
    path: "gateways",
    lazy: async () => {
      const { AreaHeading } = await import("../../app/AreaHeading");
      return { Component: () => <AreaHeading title="Gateways" /> };
    },
  },
];

export const navigation: NavigationItem[] = [
  { label: "Gateways", to: "/gateways", icon: IconRouter },
];

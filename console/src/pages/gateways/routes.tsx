import { IconRouter } from "@tabler/icons-react";
import type { RouteObject } from "react-router";
import type { NavigationItem } from "../../app/navigation";

/** The gateway pages: list, registration and a gateway's page with its tabs (`gateways/:id/<tab>`). */
export const routes: RouteObject[] = [
  {
    path: "gateways",
    lazy: async () => ({ Component: (await import("./GatewaysList")).GatewaysList }),
  },
  {
    path: "gateways/add",
    lazy: async () => ({ Component: (await import("./AddGateway")).AddGateway }),
  },
  {
    path: "gateways/:gatewayId/*",
    lazy: async () => ({ Component: (await import("./GatewayPage")).GatewayPage }),
  },
];

export const navigation: NavigationItem[] = [
  { label: "Gateways", to: "/gateways", icon: IconRouter },
];

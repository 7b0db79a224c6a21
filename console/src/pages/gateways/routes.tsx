import { IconRouter } from "@tabler/icons-react";
import { lazy } from "react";
import type { RouteObject } from "react-router";

const GatewaysList = lazy(() =>
  import("./GatewaysList").then((m) => ({ default: m.GatewaysList })),
);
const AddGateway = lazy(() => import("./AddGateway").then((m) => ({ default: m.AddGateway })));
const GatewayPage = lazy(() => import("./GatewayPage").then((m) => ({ default: m.GatewayPage })));

/** The gateway pages: list, registration and a gateway's page with its tabs. */
export const routes: RouteObject[] = [
  { path: "gateways", element: <GatewaysList /> },
  { path: "gateways/add", element: <AddGateway /> },
  { path: "gateways/:gatewayId/*", element: <GatewayPage /> },
];

export const navigation = [{ label: "Gateways", to: "/gateways", icon: IconRouter }];

import { IconHome } from "@tabler/icons-react";
import { lazy } from "react";
import type { RouteObject } from "react-router";

const Overview = lazy(() => import("./Overview").then((m) => ({ default: m.Overview })));

/** The home page. */
export const routes: RouteObject[] = [{ index: true, element: <Overview /> }];

export const navigation = [{ label: "Overview", to: "/", icon: IconHome }];

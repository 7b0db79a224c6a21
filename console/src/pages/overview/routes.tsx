import { IconLayoutDashboard } from "@tabler/icons-react";
import type { RouteObject } from "react-router";
import type { NavigationItem } from "../../app/navigation";

/** The home page. */
export const routes: RouteObject[] = [
  { index: true, lazy: async () => ({ Component: (await import("./Overview")).Overview }) },
];

export const navigation: NavigationItem[] = [
  { label: "Overview", to: "/", icon: IconLayoutDashboard },
];

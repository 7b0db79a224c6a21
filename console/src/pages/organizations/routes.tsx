import { IconUsersGroup } from "@tabler/icons-react";
import type { RouteObject } from "react-router";
import type { NavigationItem } from "../../app/navigation";

/** The organization pages: list, creation and an organization's page with its tabs. */
export const routes: RouteObject[] = [
  {
    path: "organizations",
    lazy: async () => ({ Component: (await import("./OrganizationsList")).OrganizationsList }),
  },
  {
    path: "organizations/add",
    lazy: async () => ({ Component: (await import("./AddOrganization")).AddOrganization }),
  },
  {
    path: "organizations/:organizationId/*",
    lazy: async () => ({ Component: (await import("./OrganizationPage")).OrganizationPage }),
  },
];

export const navigation: NavigationItem[] = [
  { label: "Organizations", to: "/organizations", icon: IconUsersGroup },
];

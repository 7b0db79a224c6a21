import { IconUsersGroup } from "@tabler/icons-react";
import { lazy } from "react";
import type { RouteObject } from "react-router";

const OrganizationsList = lazy(() =>
  import("./OrganizationsList").then((m) => ({ default: m.OrganizationsList })),
);
const AddOrganization = lazy(() =>
  import("./AddOrganization").then((m) => ({ default: m.AddOrganization })),
);
const OrganizationPage = lazy(() =>
  import("./OrganizationPage").then((m) => ({ default: m.OrganizationPage })),
);

/** The organization pages: list, creation and an organization's page with its tabs. */
export const routes: RouteObject[] = [
  { path: "organizations", element: <OrganizationsList /> },
  { path: "organizations/add", element: <AddOrganization /> },
  { path: "organizations/:organizationId/*", element: <OrganizationPage /> },
];

export const navigation = [{ label: "Organizations", to: "/organizations", icon: IconUsersGroup }];

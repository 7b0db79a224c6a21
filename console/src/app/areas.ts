import type { RouteObject } from "react-router";
import * as admin from "../pages/admin/routes";
import * as applications from "../pages/applications/routes";
import * as devices from "../pages/devices/routes";
import * as gateways from "../pages/gateways/routes";
import * as organizations from "../pages/organizations/routes";
import * as overview from "../pages/overview/routes";
import * as user from "../pages/user/routes";
import type { AreaModule, NavigationItem } from "./navigation";

/** The Console's areas, in sidebar order. Device routes come before the application's own. */
const areas: AreaModule[] = [overview, devices, applications, gateways, organizations, admin, user];

/** Every area's routes, relative to `/console/`. */
export const areaRoutes: RouteObject[] = areas.flatMap((area) => area.routes);

/** The sidebar: every area's entries, in area order. */
export const navigation: NavigationItem[] = [
  overview,
  applications,
  devices,
  gateways,
  organizations,
  admin,
  user,
].flatMap((area) => area.navigation);

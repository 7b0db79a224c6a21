import { createBrowserRouter, type RouteObject } from "react-router";
import { areaRoutes } from "./areas";
import { Layout } from "./Layout";
import { NotFound } from "./NotFound";
import { RouteError } from "./RouteError";

/** All routes: the frame around every area's pages, and "not found" for the rest. */
export const routes: RouteObject[] = [
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      {
        errorElement: <RouteError />,
        children: [...areaRoutes, { path: "*", element: <NotFound /> }],
      },
    ],
  },
];

/** The Console's router, under `/console`. */
export function createConsoleRouter() {
  return createBrowserRouter(routes, { basename: "/console" });
}

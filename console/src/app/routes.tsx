import { useState } from "react";
import { createBrowserRouter, type RouteObject, RouterProvider } from "react-router";
import { areaRoutes } from "./areas";
import { Layout } from "./Layout";
import { NotFound } from "./NotFound";
import { PageLoader } from "./PageLoader";
import { RouteError } from "./RouteError";

/** All routes: the frame around every area's pages, and "not found" for the rest. */
export const routes: RouteObject[] = [
  {
    element: <Layout />,
    errorElement: <RouteError />,
    hydrateFallbackElement: <PageLoader />,
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

/**
 * The router, made when first rendered: after the sign-in (inside AuthGate), so that it starts
 * at the page the user came for rather than at the OAuth callback.
 */
export function ConsoleRouter() {
  const [router] = useState(createConsoleRouter);
  return <RouterProvider router={router} />;
}

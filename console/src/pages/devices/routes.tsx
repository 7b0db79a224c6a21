import type { RouteObject } from "react-router";
import type { NavigationItem } from "../../app/navigation";

/**
 * The End devices area: pages below an application (`applications/:appId/devices/...`). The
 * list itself is the application's End devices tab (`ApplicationDevices`, rendered by the
 * Applications area). Every page is its own lazy chunk.
 */
export const routes: RouteObject[] = [
  {
    path: "applications/:appId/devices/add",
    lazy: async () => ({
      Component: (await import("./RegisterDevicePage.tsx")).RegisterDevicePage,
    }),
  },
  {
    path: "applications/:appId/devices/import",
    lazy: async () => ({ Component: (await import("./ImportDevicesPage.tsx")).ImportDevicesPage }),
  },
  {
    path: "applications/:appId/devices/:deviceId/:tab?",
    lazy: async () => ({ Component: (await import("./DevicePage.tsx")).DevicePage }),
  },
];

/** End devices live in their application: no entry of their own in the sidebar. */
export const navigation: NavigationItem[] = [];

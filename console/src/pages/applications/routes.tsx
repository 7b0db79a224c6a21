import { IconApps } from "@tabler/icons-react";
import type { RouteObject } from "react-router";
import type { NavigationItem } from "../../app/navigation.ts";

/**
 * The Applications area: the list, creation and one application's page with its tabs (each
 * tab a child route, lazy-loaded). `applications/:appId/devices` is the End devices tab; the
 * devices area adds its own pages below it (`.../devices/add`, `.../devices/:devId`).
 */
export const routes: RouteObject[] = [
  {
    path: "applications",
    lazy: async () => ({ Component: (await import("./ApplicationsList.tsx")).ApplicationsList }),
  },
  {
    path: "applications/add",
    lazy: async () => ({
      Component: (await import("./CreateApplication.tsx")).CreateApplication,
    }),
  },
  {
    path: "applications/:appId",
    lazy: async () => ({
      Component: (await import("./ApplicationLayout.tsx")).ApplicationLayout,
    }),
    children: [
      {
        index: true,
        lazy: async () => ({ Component: (await import("./Overview.tsx")).Overview }),
      },
      {
        path: "devices",
        lazy: async () => ({ Component: (await import("./EndDevicesTab.tsx")).EndDevicesTab }),
      },
      {
        path: "live-data",
        lazy: async () => ({ Component: (await import("./LiveData.tsx")).LiveData }),
      },
      {
        path: "payload-formatters",
        lazy: async () => ({
          Component: (await import("./formatters/PayloadFormatters.tsx")).PayloadFormatters,
        }),
      },
      {
        path: "integrations",
        lazy: async () => ({
          Component: (await import("./integrations/Integrations.tsx")).Integrations,
        }),
        children: [
          {
            index: true,
            lazy: async () => ({
              Component: (await import("./integrations/Integrations.tsx")).IntegrationsIndex,
            }),
          },
          {
            path: "webhooks",
            lazy: async () => ({
              Component: (await import("./integrations/Webhooks.tsx")).Webhooks,
            }),
          },
          {
            path: "webhooks/add",
            lazy: async () => ({
              Component: (await import("./integrations/WebhookEdit.tsx")).WebhookCreate,
            }),
          },
          {
            path: "webhooks/:webhookId",
            lazy: async () => ({
              Component: (await import("./integrations/WebhookEdit.tsx")).WebhookEdit,
            }),
          },
          {
            path: "pubsubs",
            lazy: async () => ({ Component: (await import("./integrations/PubSubs.tsx")).PubSubs }),
          },
          {
            path: "pubsubs/add",
            lazy: async () => ({
              Component: (await import("./integrations/PubSubEdit.tsx")).PubSubCreate,
            }),
          },
          {
            path: "pubsubs/:pubSubId",
            lazy: async () => ({
              Component: (await import("./integrations/PubSubEdit.tsx")).PubSubEdit,
            }),
          },
          {
            path: "mqtt",
            lazy: async () => ({ Component: (await import("./integrations/Mqtt.tsx")).Mqtt }),
          },
          {
            path: "storage",
            lazy: async () => ({ Component: (await import("./integrations/Storage.tsx")).Storage }),
          },
        ],
      },
      {
        path: "collaborators",
        lazy: async () => ({ Component: (await import("./Access.tsx")).Collaborators }),
      },
      {
        path: "api-keys",
        lazy: async () => ({ Component: (await import("./Access.tsx")).ApiKeys }),
      },
      {
        path: "general-settings",
        lazy: async () => ({
          Component: (await import("./GeneralSettings.tsx")).GeneralSettings,
        }),
      },
    ],
  },
];

export const navigation: NavigationItem[] = [
  { label: "Applications", to: "/applications", icon: IconApps },
];

import { Loader, NavLink, SimpleGrid, Stack } from "@mantine/core";
import { IconDatabase, IconServer, IconTopologyStar3, IconWebhook } from "@tabler/icons-react";
import { Suspense } from "react";
import { Navigate, Outlet, NavLink as RouterLink, useLocation } from "react-router";
import { applicationPage, useApplication } from "../context.ts";

const sections = [
  ["webhooks", "Webhooks", IconWebhook],
  ["pubsubs", "Pub/Subs", IconTopologyStar3],
  ["mqtt", "MQTT", IconServer],
  ["storage", "Storage", IconDatabase],
] as const;

/** The Integrations tab: a choice of integration above the chosen one's page. */
export function Integrations() {
  const context = useApplication();
  const { pathname } = useLocation();
  return (
    <Stack>
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs" component="nav" aria-label="Integrations">
        {sections.map(([path, label, Icon]) => {
          const to = applicationPage(context.appId, `integrations/${path}`);
          return (
            <NavLink
              key={path}
              component={RouterLink}
              to={to}
              label={label}
              leftSection={<Icon size={18} />}
              active={pathname.includes(`/integrations/${path}`)}
              variant="light"
              style={{ borderRadius: "var(--mantine-radius-md)" }}
            />
          );
        })}
      </SimpleGrid>
      <Suspense fallback={<Loader aria-label="Loading" />}>
        <Outlet context={context} />
      </Suspense>
    </Stack>
  );
}

/** `integrations` alone shows the webhooks. */
export function IntegrationsIndex() {
  const { appId } = useApplication();
  return <Navigate to={applicationPage(appId, "integrations/webhooks")} replace />;
}

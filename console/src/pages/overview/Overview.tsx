import { Anchor, Button, Card, Group, Loader, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconApps, IconPlus, IconRouter, IconUsersGroup } from "@tabler/icons-react";
import type { ReactNode } from "react";
import { Link } from "react-router";
import type { EntityIdentifiers } from "../../api/events";
import { usePaged } from "../../api/hooks";
import { useAuth } from "../../auth";
import {
  DateTime,
  EmptyState,
  ErrorAlert,
  EventsView,
  PageHeader,
  StatusDot,
} from "../../components";
import { useBatchStats } from "../gateways/GatewaysList";
import { connectionState, type Gateway } from "../gateways/gateway";
import { HourlyTrafficCard } from "../gateways/HourlyTraffic";
import { DeviceHealthCard } from "./DeviceHealthCard";

type Application = { ids: { application_id: string }; name?: string };

function CountCard({
  label,
  value,
  to,
  icon,
  children,
}: {
  label: string;
  value: ReactNode;
  to: string;
  icon: ReactNode;
  children?: ReactNode;
}) {
  return (
    <Card withBorder padding="lg">
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Text size="sm" c="dimmed">
            {label}
          </Text>
          <Anchor component={Link} to={to} fz={32} fw={700} underline="never">
            {value}
          </Anchor>
        </Stack>
        {icon}
      </Group>
      {children}
    </Card>
  );
}

function shown(list: { total: number; loading: boolean; error?: unknown }): ReactNode {
  if (list.error !== undefined) return "—";
  if (list.loading && list.total === 0) return <Loader size="sm" aria-label="Loading" />;
  return list.total;
}

/**
 * The home page: how many applications, gateways and organizations the user has, how the
 * gateways are doing, their uplink rate, when the end devices of the first applications were
 * last seen, and the latest events of the user's entities. A new
 * user sees where to start instead.
 */
export function Overview() {
  const { user } = useAuth();
  const applications = usePaged<Application>("/applications", "applications", {
    field_mask: "name",
    limit: 20,
  });
  const gateways = usePaged<Gateway>("/gateways", "gateways", { field_mask: "name", limit: 100 });
  const organizations = usePaged("/organizations", "organizations", { limit: 1 });
  const gatewayIds = gateways.items.map((gateway) => gateway.ids.gateway_id);
  const { stats, loaded } = useBatchStats(gatewayIds);

  const connected = gatewayIds.filter((id) => connectionState(stats[id]) === "connected");
  const lastSeen = gatewayIds
    .map((id) => ({ id, at: stats[id]?.last_uplink_received_at ?? stats[id]?.connected_at }))
    .filter((entry): entry is { id: string; at: string } => typeof entry.at === "string")
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
    .slice(0, 5);

  const identifiers: EntityIdentifiers[] = [
    ...applications.items.slice(0, 10).map((application) => ({
      application_ids: { application_id: application.ids.application_id },
    })),
    ...gatewayIds.slice(0, 10).map((gateway_id) => ({ gateway_ids: { gateway_id } })),
  ];
  const loading = applications.loading || gateways.loading;
  const isNew =
    !loading &&
    applications.error === undefined &&
    gateways.error === undefined &&
    applications.total === 0 &&
    gateways.total === 0;

  return (
    <Stack>
      <PageHeader
        title={`Welcome${user.name ? `, ${user.name}` : ""}`}
        description="Your applications, gateways and their traffic at a glance."
      />
      {applications.error !== undefined && (
        <ErrorAlert error={applications.error} title="Could not list applications" />
      )}
      {gateways.error !== undefined && (
        <ErrorAlert error={gateways.error} title="Could not list gateways" />
      )}
      {isNew ? (
        <EmptyState
          title="Nothing here yet"
          description="Create an application for your end devices and register the gateways that receive them."
          action={
            <Group>
              <Button component={Link} to="/applications/add" leftSection={<IconPlus size={16} />}>
                Create application
              </Button>
              <Button
                component={Link}
                to="/gateways/add"
                variant="default"
                leftSection={<IconPlus size={16} />}
              >
                Register gateway
              </Button>
            </Group>
          }
        />
      ) : (
        <>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <CountCard
              label="Applications"
              value={shown(applications)}
              to="/applications"
              icon={<IconApps aria-hidden />}
            />
            <CountCard
              label="Gateways"
              value={shown(gateways)}
              to="/gateways"
              icon={<IconRouter aria-hidden />}
            >
              {gatewayIds.length > 0 && (
                <Group gap="md" mt="xs">
                  <Group gap={6}>
                    <StatusDot status="ok" label="Connected" />
                    <Text size="sm">{loaded ? connected.length : "…"} connected</Text>
                  </Group>
                  <Group gap={6}>
                    <StatusDot status="off" label="Disconnected" />
                    <Text size="sm">
                      {loaded ? gatewayIds.length - connected.length : "…"} disconnected
                    </Text>
                  </Group>
                </Group>
              )}
            </CountCard>
            <CountCard
              label="Organizations"
              value={shown(organizations)}
              to="/organizations"
              icon={<IconUsersGroup aria-hidden />}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <HourlyTrafficCard
              stats={gatewayIds.map((id) => stats[id])}
              empty={
                gatewayIds.length === 0
                  ? "Register a gateway to see its traffic."
                  : loaded
                    ? "None of your gateways is connected or was recently."
                    : "Loading…"
              }
            />
            <Card withBorder padding="lg">
              <Title order={3} size="h4" mb="sm">
                Gateways last seen
              </Title>
              {lastSeen.length === 0 ? (
                <Text size="sm" c="dimmed">
                  No gateway traffic yet.
                </Text>
              ) : (
                <Stack gap="xs">
                  {lastSeen.map((entry) => (
                    <Group key={entry.id} justify="space-between" wrap="nowrap">
                      <Group gap={6} wrap="nowrap">
                        <StatusDot
                          status={connectionState(stats[entry.id]) === "connected" ? "ok" : "off"}
                          label={
                            connectionState(stats[entry.id]) === "connected"
                              ? "Connected"
                              : "Disconnected"
                          }
                        />
                        <Anchor
                          component={Link}
                          to={`/gateways/${encodeURIComponent(entry.id)}`}
                          size="sm"
                          ff="monospace"
                        >
                          {entry.id}
                        </Anchor>
                      </Group>
                      <Text size="sm" c="dimmed">
                        <DateTime value={entry.at} />
                      </Text>
                    </Group>
                  ))}
                </Stack>
              )}
            </Card>
          </SimpleGrid>
          {applications.total > 0 && (
            <DeviceHealthCard
              applicationIds={applications.items.map(
                (application) => application.ids.application_id,
              )}
              applicationCount={applications.total}
            />
          )}
          {identifiers.length > 0 && (
            <Stack gap="xs">
              <Title order={3} size="h4">
                Recent activity
              </Title>
              <EventsView identifiers={identifiers} tail={10} height={320} />
            </Stack>
          )}
        </>
      )}
    </Stack>
  );
}

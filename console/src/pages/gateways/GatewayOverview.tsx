import { SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { CopyValue, DateTime, ErrorAlert } from "../../components";
import { ConnectionBadge } from "./ConnectionBadge";
import {
  type ConnectionStats,
  count,
  formatUptime,
  frequencyPlansOf,
  type Gateway,
  locationOf,
} from "./gateway";
import { InfoTable } from "./InfoTable";

/** The gateway's identity, frequency plan, location and a summary of its connection. */
export function GatewayOverview({
  gateway,
  connection,
}: {
  gateway: Gateway;
  connection: { stats?: ConnectionStats; loaded: boolean; error?: unknown };
}) {
  const location = locationOf(gateway);
  const stats = connection.stats;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
      <Stack>
        <Title order={3}>General information</Title>
        <InfoTable
          label="General information"
          rows={[
            ["Gateway ID", <CopyValue key="id" value={gateway.ids.gateway_id} />],
            [
              "Gateway EUI",
              gateway.ids.eui ? <CopyValue key="eui" value={gateway.ids.eui} /> : null,
            ],
            ["Name", gateway.name || null],
            ["Description", gateway.description || null],
            ["Frequency plan", frequencyPlansOf(gateway).join(", ") || null],
            ["Gateway Server address", gateway.gateway_server_address || "This server (default)"],
            [
              "Authenticated connection",
              gateway.require_authenticated_connection ? "Required" : "Not required",
            ],
            [
              "Location",
              location
                ? `${location.latitude}, ${location.longitude}${location.altitude !== undefined ? `, ${location.altitude} m` : ""}`
                : null,
            ],
            ["Created", <DateTime key="created" value={gateway.created_at} />],
          ]}
        />
      </Stack>
      <Stack>
        <Title order={3}>Status</Title>
        {connection.error !== undefined && (
          <ErrorAlert error={connection.error} title="Could not read the connection status" />
        )}
        <InfoTable
          label="Status"
          rows={[
            ["Connection", <ConnectionBadge key="c" stats={stats} loading={!connection.loaded} />],
            [
              "Connected for",
              stats?.connected_at && !stats.disconnected_at
                ? formatUptime(Date.now() - Date.parse(stats.connected_at))
                : null,
            ],
            [
              "Last uplink",
              stats?.last_uplink_received_at ? (
                <DateTime key="u" value={stats.last_uplink_received_at} />
              ) : null,
            ],
            [
              "Last status",
              stats?.last_status_received_at ? (
                <DateTime key="s" value={stats.last_status_received_at} />
              ) : null,
            ],
            ["Uplinks", stats ? String(count(stats.uplink_count)) : null],
            ["Downlinks", stats ? String(count(stats.downlink_count)) : null],
          ]}
        />
        {!stats && connection.loaded && (
          <Text size="sm" c="dimmed">
            Point the gateway at this server (download its global_conf.json for a UDP packet
            forwarder) and its connection appears here.
          </Text>
        )}
      </Stack>
    </SimpleGrid>
  );
}

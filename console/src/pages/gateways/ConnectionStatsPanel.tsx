import { Group, Progress, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { DateTime, EmptyState, ErrorAlert, JsonView } from "../../components";
import {
  type ConnectionStats,
  connectionState,
  count,
  durationMs,
  formatMHz,
  formatMs,
  formatUptime,
} from "./gateway";
import { InfoTable } from "./InfoTable";

/** Everything the Gateway Server reports about the gateway's current (or last) connection. */
export function ConnectionStatsPanel({
  connection,
}: {
  connection: { stats?: ConnectionStats; loaded: boolean; error?: unknown };
}) {
  if (connection.error !== undefined)
    return <ErrorAlert error={connection.error} title="Could not read the connection stats" />;
  const stats = connection.stats;
  if (!stats)
    return connection.loaded ? (
      <EmptyState
        title="Not connected"
        description="The Gateway Server has no connection of this gateway since it started."
      />
    ) : null;
  const state = connectionState(stats);
  const rtt = stats.round_trip_times;
  const subBands = stats.sub_bands ?? [];
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
      <Stack>
        <Title order={3}>Connection</Title>
        <InfoTable
          label="Connection"
          rows={[
            ["State", state === "connected" ? "Connected" : "Disconnected"],
            ["Protocol", stats.protocol || null],
            ["Remote address", stats.gateway_remote_address?.ip || null],
            ["Connected", <DateTime key="c" value={stats.connected_at} />],
            [
              "Uptime",
              state === "connected" && stats.connected_at
                ? formatUptime(Date.now() - Date.parse(stats.connected_at))
                : null,
            ],
            [
              "Disconnected",
              stats.disconnected_at ? <DateTime key="d" value={stats.disconnected_at} /> : null,
            ],
            ["Uplinks received", `${count(stats.uplink_count)}`],
            [
              "Last uplink",
              stats.last_uplink_received_at ? (
                <DateTime key="lu" value={stats.last_uplink_received_at} />
              ) : null,
            ],
            ["Downlinks sent", `${count(stats.downlink_count)}`],
            [
              "Last downlink",
              stats.last_downlink_received_at ? (
                <DateTime key="ld" value={stats.last_downlink_received_at} />
              ) : null,
            ],
            ["TX acknowledgments", `${count(stats.tx_acknowledgment_count)}`],
          ]}
        />
      </Stack>
      <Stack>
        <Title order={3}>Round-trip times</Title>
        {rtt && (rtt.count ?? 0) > 0 ? (
          <InfoTable
            label="Round-trip times"
            rows={[
              ["Minimum", formatMs(durationMs(rtt.min))],
              ["Median", formatMs(durationMs(rtt.median))],
              ["Maximum", formatMs(durationMs(rtt.max))],
              ["Measurements", String(rtt.count ?? 0)],
            ]}
          />
        ) : (
          <Text size="sm" c="dimmed">
            No round trips measured yet.
          </Text>
        )}
        <Title order={3}>Duty-cycle utilization</Title>
        {subBands.length === 0 ? (
          <Text size="sm" c="dimmed">
            No sub-band use reported.
          </Text>
        ) : (
          <Table aria-label="Duty-cycle utilization">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Sub-band</Table.Th>
                <Table.Th>Utilization</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {subBands.map((band) => {
                const used = band.downlink_utilization ?? 0;
                const limit = band.downlink_utilization_limit ?? 1;
                const share = limit > 0 ? Math.min(100, (used / limit) * 100) : 0;
                return (
                  <Table.Tr key={`${band.min_frequency}-${band.max_frequency}`}>
                    <Table.Td>
                      {formatMHz(band.min_frequency)} – {formatMHz(band.max_frequency)}
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Progress
                          value={share}
                          w={120}
                          color={share > 80 ? "red" : share > 50 ? "yellow" : "teal"}
                          aria-label={`${(used * 100).toFixed(2)} % of ${(limit * 100).toFixed(1)} %`}
                        />
                        <Text size="xs">
                          {(used * 100).toFixed(2)} % of {(limit * 100).toFixed(1)} %
                        </Text>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
        <Title order={3}>Last status</Title>
        {stats.last_status ? (
          <JsonView value={stats.last_status} />
        ) : (
          <Text size="sm" c="dimmed">
            No status message received.
          </Text>
        )}
      </Stack>
    </SimpleGrid>
  );
}

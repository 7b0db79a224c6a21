import { Group, Loader, Text } from "@mantine/core";
import { StatusDot } from "../../components";
import { type ConnectionStats, connectionState } from "./gateway";

/** "Connected" (green), "Disconnected" (grey) or "Never connected" for a gateway's stats. */
export function ConnectionBadge({
  stats,
  loading,
}: {
  stats: ConnectionStats | undefined;
  loading?: boolean;
}) {
  if (loading) return <Loader size="xs" aria-label="Loading status" />;
  const state = connectionState(stats);
  const label =
    state === "connected"
      ? "Connected"
      : state === "disconnected"
        ? "Disconnected"
        : "Not connected";
  return (
    <Group gap={6} wrap="nowrap">
      <StatusDot status={state === "connected" ? "ok" : "off"} label={label} />
      <Text size="sm">{label}</Text>
      {state === "connected" && stats?.protocol && (
        <Text size="xs" c="dimmed">
          {stats.protocol}
        </Text>
      )}
    </Group>
  );
}

import { Card, Loader, Text, Title } from "@mantine/core";
import { lazy, Suspense } from "react";
import { type ConnectionStats, hasHourlyTraffic, trafficByHour } from "./gateway";

const TrafficChart = lazy(() =>
  import("./TrafficChart").then((module) => ({ default: module.TrafficChart })),
);

/**
 * "Uplinks per hour, last 24 hours": the Gateway Server's hourly counts of the given
 * connections summed (the Overview passes every gateway of the user, a gateway page its own).
 */
export function HourlyTrafficCard({
  stats,
  empty,
}: {
  stats: readonly (ConnectionStats | undefined)[];
  /** What to say when no connection reports hourly traffic. */
  empty: string;
}) {
  return (
    <Card withBorder padding="lg">
      <Title order={3} size="h4">
        Uplinks per hour, last 24 hours
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Uplinks received and downlinks sent while connected to this network, per hour in your time
        zone. Hours before a gateway's current connection are not counted.
      </Text>
      {hasHourlyTraffic(stats) ? (
        <Suspense fallback={<Loader size="sm" aria-label="Loading chart" />}>
          <TrafficChart hours={trafficByHour(stats, Date.now())} />
        </Suspense>
      ) : (
        <Text size="sm" c="dimmed">
          {empty}
        </Text>
      )}
    </Card>
  );
}

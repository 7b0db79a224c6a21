import "@mantine/charts/styles.css";
import { LineChart } from "@mantine/charts";
import { Stack, Text, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { type StreamStatus, streamEvents } from "../../api/events";
import { EmptyState, ErrorAlert } from "../../components";
import { type SignalPoint, signalOf } from "./gateway";

const maxPoints = 200;

/**
 * RSSI and SNR of the uplinks this gateway received over time: the stored `gs.up.receive`
 * events (as far back as the event store keeps them) followed by live ones.
 */
export function StatusHistory({ gatewayId }: { gatewayId: string }) {
  const [points, setPoints] = useState<SignalPoint[]>([]);
  const [status, setStatus] = useState<{ status: StreamStatus; error?: unknown }>({
    status: "connecting",
  });
  useEffect(() => {
    setPoints([]);
    const controller = new AbortController();
    void streamEvents(
      {
        identifiers: [{ gateway_ids: { gateway_id: gatewayId } }],
        names: ["gs.up.receive"],
        tail: maxPoints,
      },
      (event) => {
        const point = signalOf(event, gatewayId);
        if (!point) return;
        setPoints((previous) =>
          [...previous, point].sort((a, b) => a.time - b.time).slice(-maxPoints),
        );
      },
      controller.signal,
      (next, error) => setStatus({ status: next, error }),
    );
    return () => controller.abort();
  }, [gatewayId]);

  const data = points.map((point) => ({
    time: new Date(point.time).toLocaleTimeString(),
    RSSI: point.rssi,
    SNR: point.snr,
  }));
  return (
    <Stack>
      <Title order={3}>Uplink signal</Title>
      <Text size="sm" c="dimmed">
        RSSI (dBm) and SNR (dB) of each uplink this gateway received, from recent and live events.
      </Text>
      {status.status === "failed" && (
        <ErrorAlert error={status.error} title="Could not stream the gateway's events" />
      )}
      {data.length === 0 ? (
        <EmptyState
          title="No uplinks yet"
          description="The chart fills in as the gateway forwards uplinks."
        />
      ) : (
        <LineChart
          h={300}
          data={data}
          dataKey="time"
          withLegend
          withRightYAxis
          series={[
            { name: "RSSI", color: "blue.6", label: "RSSI (dBm)" },
            { name: "SNR", color: "teal.6", yAxisId: "right", label: "SNR (dB)" },
          ]}
          curveType="monotone"
          connectNulls
        />
      )}
    </Stack>
  );
}

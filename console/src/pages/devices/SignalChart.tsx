import "@mantine/charts/styles.css";
import { LineChart } from "@mantine/charts";
import type { SignalPoint } from "./last-seen.ts";

/** RSSI (left axis, dBm) and SNR (right axis, dB) of the recent uplinks. A chunk of its own. */
export function SignalChart({ points }: { points: SignalPoint[] }) {
  return (
    <LineChart
      h={260}
      data={points}
      dataKey="label"
      aria-label="RSSI and SNR of the recent uplinks"
      series={[
        { name: "rssi", label: "RSSI (dBm)", color: "blue.6" },
        { name: "snr", label: "SNR (dB)", color: "teal.6", yAxisId: "right" },
      ]}
      withRightYAxis
      withLegend
      connectNulls
      curveType="linear"
      yAxisProps={{ domain: ["auto", "auto"] }}
      rightYAxisProps={{ domain: ["auto", "auto"] }}
    />
  );
}

import "@mantine/charts/styles.css";
import { BarChart } from "@mantine/charts";

/** The uplinks-per-hour bars (its own chunk: the chart library loads after the page). */
export function UplinksChart({
  data,
}: {
  data: { gateway: string; "Uplinks per hour": number }[];
}) {
  return (
    <BarChart
      h={220}
      data={data}
      dataKey="gateway"
      series={[{ name: "Uplinks per hour", color: "blue.6" }]}
      tickLine="y"
    />
  );
}

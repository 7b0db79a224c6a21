import "@mantine/charts/styles.css";
import { BarChart } from "@mantine/charts";
import { Box } from "@mantine/core";
import { hourLabel, type TrafficHour, trafficSummary } from "./gateway";

/**
 * Uplinks and downlinks per hour as bars, hours labelled in the browser's time zone. Its own
 * chunk: the chart library loads after the page. The chart is one image to screen readers,
 * labelled with the counts in words.
 */
export function TrafficChart({ hours }: { hours: readonly TrafficHour[] }) {
  const data = hours.map((hour) => ({
    hour: hourLabel(hour.startMs),
    Uplinks: hour.uplinks,
    Downlinks: hour.downlinks,
  }));
  return (
    <Box role="img" aria-label={trafficSummary(hours)} data-testid="traffic-chart">
      <BarChart
        h={220}
        data={data}
        dataKey="hour"
        series={[
          { name: "Uplinks", color: "blue.6" },
          { name: "Downlinks", color: "teal.6" },
        ]}
        withLegend
        // Recharts sorts legend entries by name; uplinks come first here as in the series.
        legendProps={{ itemSorter: null }}
        tickLine="y"
        xAxisProps={{ minTickGap: 8 }}
        yAxisProps={{ allowDecimals: false }}
      />
    </Box>
  );
}

import { Button, Group, Loader, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconRefresh } from "@tabler/icons-react";
import { lazy, type ReactNode, Suspense, useEffect } from "react";
import { laterOf } from "../applications/times.ts";
import type { TabProps } from "./DevicePage.tsx";
import { lastSeenOf, type RecentUplink, signalPoints } from "./last-seen.ts";
import { macVersions, phyLabel } from "./new-device.ts";
import { CopyValue, DateTime, ErrorAlert } from "./shell.ts";
import { useDevice } from "./use-device.ts";

const SignalChart = lazy(async () => ({
  default: (await import("./SignalChart.tsx")).SignalChart,
}));

const paths = [
  "name",
  "description",
  "frequency_plan_id",
  "lorawan_version",
  "lorawan_phy_version",
  "supports_join",
  "session.dev_addr",
  "mac_state.recent_uplinks",
  "last_seen_at",
];

/** How often the overview asks the Network Server for new uplinks. */
const refreshMs = 10_000;

/** The device at a glance: identifiers, versions, plan, last seen and its recent signal. */
export function OverviewTab({ appId, deviceId }: TabProps) {
  const state = useDevice(appId, deviceId, paths);
  const { reload } = state;
  useEffect(() => {
    const timer = setInterval(reload, refreshMs);
    return () => clearInterval(timer);
  }, [reload]);
  if (state.error)
    return <ErrorAlert error={state.error} title="The end device could not be loaded" />;
  const device = state.device;
  if (!device) return <Loader aria-label="Loading the end device" />;
  const ids = device.ids as { dev_eui?: string; join_eui?: string; device_id: string };
  const uplinks = (device.mac_state as { recent_uplinks?: RecentUplink[] } | undefined)
    ?.recent_uplinks;
  const points = signalPoints(uplinks);
  // The Identity Server's last-seen time (written every few seconds by the Network Server), or
  // the newest of the recent uplinks when that is later.
  const lastSeen = laterOf(device.last_seen_at as string | undefined, lastSeenOf(uplinks));
  const devAddr = (device.session as { dev_addr?: string } | undefined)?.dev_addr;
  const mac = macVersions.find((version) => version.value === device.lorawan_version)?.label;

  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md">
          <Stack gap="xs">
            <Title order={3} size="h4">
              General information
            </Title>
            <Fact label="End device ID">
              <CopyValue value={ids.device_id} />
            </Fact>
            <Fact label="DevEUI">{ids.dev_eui ? <CopyValue value={ids.dev_eui} /> : "—"}</Fact>
            <Fact label="JoinEUI">{ids.join_eui ? <CopyValue value={ids.join_eui} /> : "—"}</Fact>
            <Fact label="Device address">{devAddr ? <CopyValue value={devAddr} /> : "—"}</Fact>
            <Fact label="Activation">{device.supports_join ? "OTAA" : "ABP"}</Fact>
            <Fact label="Created">
              <DateTime value={device.created_at as string | undefined} />
            </Fact>
            {device.description ? (
              <Fact label="Description">{String(device.description)}</Fact>
            ) : null}
          </Stack>
        </Paper>
        <Paper withBorder p="md">
          <Stack gap="xs">
            <Title order={3} size="h4">
              LoRaWAN
            </Title>
            <Fact label="Frequency plan">{String(device.frequency_plan_id ?? "—")}</Fact>
            <Fact label="LoRaWAN version">{mac ?? String(device.lorawan_version ?? "—")}</Fact>
            <Fact label="Regional Parameters version">
              {device.lorawan_phy_version ? phyLabel(String(device.lorawan_phy_version)) : "—"}
            </Fact>
            <Fact label="Last seen">
              {lastSeen ? <DateTime value={lastSeen} /> : <Text size="sm">Never</Text>}
            </Fact>
            <Fact label="Recent uplinks">{String(uplinks?.length ?? 0)}</Fact>
          </Stack>
        </Paper>
      </SimpleGrid>
      <Paper withBorder p="md">
        <Stack>
          <Group justify="space-between">
            <Title order={3} size="h4">
              Signal of the recent uplinks
            </Title>
            <Button
              variant="subtle"
              size="xs"
              leftSection={<IconRefresh size={14} />}
              onClick={reload}
              loading={state.loading}
            >
              Refresh
            </Button>
          </Group>
          {points.length === 0 ? (
            <Text size="sm" c="dimmed">
              No uplinks yet. The chart shows the RSSI and SNR of the device's recent uplinks once
              it sends some.
            </Text>
          ) : (
            <Suspense fallback={<Loader aria-label="Loading the chart" />}>
              <SignalChart points={points} />
            </Suspense>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group justify="space-between" wrap="nowrap" gap="md" align="center">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <div style={{ minWidth: 0, textAlign: "right" }}>
        {typeof children === "string" ? <Text size="sm">{children}</Text> : children}
      </div>
    </Group>
  );
}

import { Loader, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import type { TabProps } from "./DevicePage.tsx";
import { getPath } from "./registry.ts";
import { CopyValue, ErrorAlert, JsonView } from "./shell.ts";
import { useDevice } from "./use-device.ts";

const paths = [
  "supports_join",
  "lorawan_version",
  "session",
  "mac_state.current_parameters",
  "mac_state.desired_parameters",
  "mac_state.device_class",
  "mac_state.lorawan_version",
  "mac_state.last_confirmed_downlink_at",
  "mac_state.last_dev_status_f_cnt_up",
  "root_keys",
];

/** Keys a session may have: [path below `session.keys`, label]. */
const sessionKeys = [
  ["app_s_key", "AppSKey"],
  ["f_nwk_s_int_key", "FNwkSIntKey (NwkSKey in LoRaWAN 1.0)"],
  ["s_nwk_s_int_key", "SNwkSIntKey"],
  ["nwk_s_enc_key", "NwkSEncKey"],
] as const;

/**
 * The device's session (DevAddr, frame counters, keys hidden until revealed), its root keys
 * (OTAA) and the Network Server's MAC state: the current and desired parameters, read-only.
 */
export function SessionTab({ appId, deviceId }: TabProps) {
  const state = useDevice(appId, deviceId, paths);
  if (state.error)
    return <ErrorAlert error={state.error} title="The session could not be loaded" />;
  const device = state.device;
  if (!device) return <Loader aria-label="Loading the session" />;
  const session = device.session as Record<string, unknown> | undefined;
  const text = (path: string) => {
    const value = getPath(device, path);
    return value === undefined || value === null ? undefined : String(value);
  };
  const macState = device.mac_state as Record<string, unknown> | undefined;

  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md">
          <Stack gap="xs">
            <Title order={3} size="h4">
              Session
            </Title>
            {session ? (
              <>
                <Row label="Device address">
                  <CopyValue value={text("session.dev_addr") ?? ""} />
                </Row>
                <Row label="Uplink frame counter">{text("session.last_f_cnt_up") ?? "0"}</Row>
                <Row label="Network downlink frame counter">
                  {text("session.last_n_f_cnt_down") ?? "0"}
                </Row>
                <Row label="Application downlink frame counter">
                  {text("session.last_a_f_cnt_down") ?? "0"}
                </Row>
                {sessionKeys.map(([key, label]) => {
                  const value = text(`session.keys.${key}.key`);
                  return value ? (
                    <Row label={label} key={key}>
                      <CopyValue value={value} secret label={label} />
                    </Row>
                  ) : null;
                })}
              </>
            ) : (
              <Text size="sm" c="dimmed">
                No session yet{device.supports_join ? ": the device has not joined." : "."}
              </Text>
            )}
          </Stack>
        </Paper>
        <Paper withBorder p="md">
          <Stack gap="xs">
            <Title order={3} size="h4">
              Root keys
            </Title>
            {device.supports_join ? (
              <>
                <Row label="AppKey">
                  {text("root_keys.app_key.key") ? (
                    <CopyValue value={text("root_keys.app_key.key") ?? ""} secret label="AppKey" />
                  ) : (
                    "—"
                  )}
                </Row>
                <Row label="NwkKey">
                  {text("root_keys.nwk_key.key") ? (
                    <CopyValue value={text("root_keys.nwk_key.key") ?? ""} secret label="NwkKey" />
                  ) : (
                    "—"
                  )}
                </Row>
              </>
            ) : (
              <Text size="sm" c="dimmed">
                ABP devices have no root keys.
              </Text>
            )}
          </Stack>
        </Paper>
      </SimpleGrid>
      <Paper withBorder p="md">
        <Stack gap="xs">
          <Title order={3} size="h4">
            MAC state
          </Title>
          {macState ? (
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <Stack gap={4}>
                <Text size="sm" fw={500}>
                  Current parameters
                </Text>
                <JsonView value={macState.current_parameters ?? {}} maxHeight={360} />
              </Stack>
              <Stack gap={4}>
                <Text size="sm" fw={500}>
                  Desired parameters
                </Text>
                <JsonView value={macState.desired_parameters ?? {}} maxHeight={360} />
              </Stack>
            </SimpleGrid>
          ) : (
            <Text size="sm" c="dimmed">
              The Network Server has no MAC state for this device yet.
            </Text>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <SimpleGrid cols={2} spacing="xs">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <div style={{ minWidth: 0 }}>
        {typeof children === "string" ? <Text size="sm">{children}</Text> : children}
      </div>
    </SimpleGrid>
  );
}

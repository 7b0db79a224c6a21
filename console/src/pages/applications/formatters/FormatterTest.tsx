import {
  Alert,
  Autocomplete,
  Button,
  Code,
  Group,
  Paper,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useState } from "react";
import { base64ToHex, bytesToBase64, parseFPort, parseHex } from "../bytes.ts";
import { applicationPath } from "../context.ts";
import { idError } from "../ids.ts";
import { api, errorMessage, JsonView, useRequest } from "../shell.ts";
import { monoInput } from "../styles.ts";
import type { ApplicationUplinkResult, FormatterType } from "../types.ts";

interface TestProps {
  appId: string;
  formatter: FormatterType;
  parameter: string;
}

/** The end device a test runs as: one of the application's, or any valid ID. */
function useTestDevice(appId: string) {
  const devices = useRequest<{ end_devices?: { ids: { device_id: string } }[] }>(
    `${applicationPath(appId)}/devices`,
    { limit: 100, order: "device_id" },
  );
  const ids = (devices.data?.end_devices ?? []).map((device) => device.ids.device_id);
  const [chosen, setChosen] = useState<string>();
  const deviceId = chosen ?? ids[0] ?? "test-device";
  const input = (
    <Autocomplete
      label="End device ID"
      description="The formatter runs as this end device; it need not be registered."
      data={ids}
      value={deviceId}
      onChange={setChosen}
      error={idError(deviceId)}
      styles={monoInput}
      maw={320}
    />
  );
  return { deviceId, input };
}

const endDeviceIds = (appId: string, deviceId: string) => ({
  application_ids: { application_id: appId },
  device_id: deviceId,
});

function Result({
  label,
  value,
  warnings,
}: {
  label: string;
  value: unknown;
  warnings?: string[];
}) {
  return (
    <Stack gap="xs" aria-live="polite">
      <Text size="sm" fw={500}>
        {label}
      </Text>
      <JsonView value={value} />
      {warnings?.length ? (
        <Alert color="yellow" title="Warnings">
          {warnings.join("; ")}
        </Alert>
      ) : null}
    </Stack>
  );
}

function Failure({ error }: { error: string }) {
  return (
    <Alert color="red" title="The formatter failed" role="alert">
      <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
        {error}
      </Text>
    </Alert>
  );
}

/** Decodes bytes typed in hex with the uplink formatter being edited (AppAs DecodeUplink). */
export function UplinkTest({ appId, formatter, parameter }: TestProps) {
  const device = useTestDevice(appId);
  const [hex, setHex] = useState("");
  const [fPort, setFPort] = useState("1");
  const [result, setResult] = useState<ApplicationUplinkResult>();
  const [failure, setFailure] = useState<string>();
  const [running, setRunning] = useState(false);
  const bytes = parseHex(hex);
  const port = parseFPort(fPort);

  const run = async () => {
    if (!("bytes" in bytes) || !("fPort" in port) || idError(device.deviceId)) return;
    setRunning(true);
    setFailure(undefined);
    setResult(undefined);
    try {
      const answer = await api.post<{ uplink?: ApplicationUplinkResult }>(
        `/as/applications/${encodeURIComponent(appId)}/devices/${encodeURIComponent(device.deviceId)}/up/decode`,
        {
          end_device_ids: endDeviceIds(appId, device.deviceId),
          uplink: { f_port: port.fPort, frm_payload: bytesToBase64(bytes.bytes) },
          formatter,
          parameter: formatter === "FORMATTER_JAVASCRIPT" ? parameter : "",
        },
      );
      setResult(answer.uplink ?? {});
    } catch (caught) {
      setFailure(errorMessage(caught));
    } finally {
      setRunning(false);
    }
  };

  return (
    <Paper withBorder p="md" radius="md">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void run();
        }}
      >
        <Stack>
          <Title order={3} size="h5">
            Test the uplink formatter
          </Title>
          {formatter === "FORMATTER_NONE" ? (
            <Text size="sm" c="dimmed">
              Choose a formatter to test it.
            </Text>
          ) : (
            <>
              <Group align="flex-start" wrap="wrap">
                {device.input}
                <TextInput
                  label="FPort"
                  value={fPort}
                  onChange={(event) => setFPort(event.currentTarget.value)}
                  error={"error" in port ? port.error : null}
                  inputMode="numeric"
                  w={100}
                />
                <TextInput
                  label="Payload (hex)"
                  placeholder="01 02 0A FF"
                  value={hex}
                  onChange={(event) => setHex(event.currentTarget.value)}
                  error={"error" in bytes ? bytes.error : null}
                  styles={monoInput}
                  style={{ flex: 1, minWidth: 200 }}
                />
              </Group>
              <Group>
                <Button type="submit" variant="light" loading={running}>
                  Test decoder
                </Button>
              </Group>
              {failure ? <Failure error={failure} /> : null}
              {result ? (
                <Result
                  label="Decoded payload"
                  value={result.decoded_payload ?? null}
                  warnings={result.decoded_payload_warnings}
                />
              ) : null}
            </>
          )}
        </Stack>
      </form>
    </Paper>
  );
}

/** Encodes a JSON object with the downlink formatter being edited (AppAs EncodeDownlink). */
export function DownlinkTest({ appId, formatter, parameter }: TestProps) {
  const device = useTestDevice(appId);
  const [json, setJson] = useState("{}");
  const [fPort, setFPort] = useState("1");
  const [result, setResult] = useState<{
    f_port?: number;
    frm_payload?: string;
    warnings?: string[];
  }>();
  const [failure, setFailure] = useState<string>();
  const [running, setRunning] = useState(false);
  const parsed = parseObject(json);
  const port = parseFPort(fPort);

  const run = async () => {
    if (!("value" in parsed) || !("fPort" in port) || idError(device.deviceId)) return;
    setRunning(true);
    setFailure(undefined);
    setResult(undefined);
    try {
      const answer = await api.post<{
        downlink?: { f_port?: number; frm_payload?: string; decoded_payload_warnings?: string[] };
      }>(
        `/as/applications/${encodeURIComponent(appId)}/devices/${encodeURIComponent(device.deviceId)}/down/encode`,
        {
          end_device_ids: endDeviceIds(appId, device.deviceId),
          downlink: { f_port: port.fPort, decoded_payload: parsed.value },
          formatter,
          parameter: formatter === "FORMATTER_JAVASCRIPT" ? parameter : "",
        },
      );
      setResult({
        f_port: answer.downlink?.f_port,
        frm_payload: answer.downlink?.frm_payload ?? "",
        warnings: answer.downlink?.decoded_payload_warnings,
      });
    } catch (caught) {
      setFailure(errorMessage(caught));
    } finally {
      setRunning(false);
    }
  };

  return (
    <Paper withBorder p="md" radius="md">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void run();
        }}
      >
        <Stack>
          <Title order={3} size="h5">
            Test the downlink formatter
          </Title>
          {formatter === "FORMATTER_NONE" ? (
            <Text size="sm" c="dimmed">
              Choose a formatter to test it.
            </Text>
          ) : (
            <>
              <Group align="flex-start" wrap="wrap">
                {device.input}
                <TextInput
                  label="FPort"
                  value={fPort}
                  onChange={(event) => setFPort(event.currentTarget.value)}
                  error={"error" in port ? port.error : null}
                  inputMode="numeric"
                  w={100}
                />
              </Group>
              <Textarea
                label="Decoded payload (JSON object)"
                value={json}
                onChange={(event) => setJson(event.currentTarget.value)}
                error={"error" in parsed ? parsed.error : null}
                autosize
                minRows={3}
                styles={monoInput}
              />
              <Group>
                <Button type="submit" variant="light" loading={running}>
                  Test encoder
                </Button>
              </Group>
              {failure ? <Failure error={failure} /> : null}
              {result ? (
                <Stack gap="xs" aria-live="polite">
                  <Text size="sm" fw={500}>
                    Encoded payload (FPort {result.f_port ?? "—"})
                  </Text>
                  <Code block>{base64ToHex(result.frm_payload ?? "") || "(no bytes)"}</Code>
                  {result.warnings?.length ? (
                    <Alert color="yellow" title="Warnings">
                      {result.warnings.join("; ")}
                    </Alert>
                  ) : null}
                </Stack>
              ) : null}
            </>
          )}
        </Stack>
      </form>
    </Paper>
  );
}

/** A JSON object typed by the user, or why it is not one. */
export function parseObject(text: string): { value: Record<string, unknown> } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `Not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { error: "A JSON object ({ ... })" };
  return { value: value as Record<string, unknown> };
}

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
import { type ReactNode, useState } from "react";
import { idError } from "../../../components/ids.ts";
import { base64ToHex, bytesToBase64, parseFPort, parseHex } from "../bytes.ts";
import { applicationPath } from "../context.ts";
import { api, errorMessage, JsonView, useAction, useRequest } from "../shell.ts";
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

/**
 * A formatter test's state: the end device it runs as, the Application Server's answer, and
 * the run's failure. `run` sends the message to `up/decode` or `down/encode` with the formatter
 * being edited (not the saved one).
 */
function useFormatterTest<Answer, Result>(
  { appId, formatter, parameter }: TestProps,
  operation: "up/decode" | "down/encode",
  read: (answer: Answer) => Result,
) {
  const device = useTestDevice(appId);
  const action = useAction();
  const [result, setResult] = useState<Result>();
  const run = (message: Record<string, unknown>) => {
    if (idError(device.deviceId)) return;
    setResult(undefined);
    void action.run(async () => {
      const answer = await api.post<Answer>(
        `/as/applications/${encodeURIComponent(appId)}/devices/${encodeURIComponent(device.deviceId)}/${operation}`,
        {
          end_device_ids: endDeviceIds(appId, device.deviceId),
          ...message,
          formatter,
          parameter: formatter === "FORMATTER_JAVASCRIPT" ? parameter : "",
        },
      );
      setResult(read(answer));
    });
  };
  return { device, result, running: action.busy, failure: action.error, run };
}

/** The frame of a test: its title, the inputs, the button, the failure and the result. */
function TestPanel(props: {
  title: string;
  formatter: FormatterType;
  button: string;
  running: boolean;
  failure: unknown;
  onRun(): void;
  inputs: ReactNode;
  result: ReactNode;
}) {
  return (
    <Paper withBorder p="md" radius="md">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          props.onRun();
        }}
      >
        <Stack>
          <Title order={3} size="h5">
            {props.title}
          </Title>
          {props.formatter === "FORMATTER_NONE" ? (
            <Text size="sm" c="dimmed">
              Choose a formatter to test it.
            </Text>
          ) : (
            <>
              {props.inputs}
              <Group>
                <Button type="submit" variant="light" loading={props.running}>
                  {props.button}
                </Button>
              </Group>
              {props.failure !== undefined ? <Failure error={errorMessage(props.failure)} /> : null}
              {props.result}
            </>
          )}
        </Stack>
      </form>
    </Paper>
  );
}

function FPortInput(props: { value: string; onChange(value: string): void; error?: string }) {
  return (
    <TextInput
      label="FPort"
      value={props.value}
      onChange={(event) => props.onChange(event.currentTarget.value)}
      error={props.error ?? null}
      inputMode="numeric"
      w={100}
    />
  );
}

/** Decodes bytes typed in hex with the uplink formatter being edited (AppAs DecodeUplink). */
export function UplinkTest(props: TestProps) {
  const test = useFormatterTest(
    props,
    "up/decode",
    (answer: { uplink?: ApplicationUplinkResult }) => answer.uplink ?? {},
  );
  const [hex, setHex] = useState("");
  const [fPort, setFPort] = useState("1");
  const bytes = parseHex(hex);
  const port = parseFPort(fPort);
  return (
    <TestPanel
      title="Test the uplink formatter"
      formatter={props.formatter}
      button="Test decoder"
      running={test.running}
      failure={test.failure}
      onRun={() => {
        if (!("bytes" in bytes) || !("fPort" in port)) return;
        test.run({ uplink: { f_port: port.fPort, frm_payload: bytesToBase64(bytes.bytes) } });
      }}
      inputs={
        <Group align="flex-start" wrap="wrap">
          {test.device.input}
          <FPortInput
            value={fPort}
            onChange={setFPort}
            error={"error" in port ? port.error : undefined}
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
      }
      result={
        test.result ? (
          <Result
            label="Decoded payload"
            value={test.result.decoded_payload ?? null}
            warnings={test.result.decoded_payload_warnings}
          />
        ) : null
      }
    />
  );
}

interface EncodedDownlink {
  f_port?: number;
  frm_payload?: string;
  decoded_payload_warnings?: string[];
}

/** Encodes a JSON object with the downlink formatter being edited (AppAs EncodeDownlink). */
export function DownlinkTest(props: TestProps) {
  const test = useFormatterTest(
    props,
    "down/encode",
    (answer: { downlink?: EncodedDownlink }) => answer.downlink ?? {},
  );
  const [json, setJson] = useState("{}");
  const [fPort, setFPort] = useState("1");
  const parsed = parseObject(json);
  const port = parseFPort(fPort);
  return (
    <TestPanel
      title="Test the downlink formatter"
      formatter={props.formatter}
      button="Test encoder"
      running={test.running}
      failure={test.failure}
      onRun={() => {
        if (!("value" in parsed) || !("fPort" in port)) return;
        test.run({ downlink: { f_port: port.fPort, decoded_payload: parsed.value } });
      }}
      inputs={
        <>
          <Group align="flex-start" wrap="wrap">
            {test.device.input}
            <FPortInput
              value={fPort}
              onChange={setFPort}
              error={"error" in port ? port.error : undefined}
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
        </>
      }
      result={
        test.result ? (
          <Stack gap="xs" aria-live="polite">
            <Text size="sm" fw={500}>
              Encoded payload (FPort {test.result.f_port ?? "—"})
            </Text>
            <Code block>{base64ToHex(test.result.frm_payload ?? "") || "(no bytes)"}</Code>
            {test.result.decoded_payload_warnings?.length ? (
              <Alert color="yellow" title="Warnings">
                {test.result.decoded_payload_warnings.join("; ")}
              </Alert>
            ) : null}
          </Stack>
        ) : null
      }
    />
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

import {
  Alert,
  Button,
  Group,
  Loader,
  Paper,
  Select,
  Stack,
  Switch,
  Textarea,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";
import type { TabProps } from "./DevicePage.tsx";
import { api, ErrorAlert, useAction, useRequest } from "./shell.ts";
import { registryPath } from "./use-device.ts";

interface Formatters {
  up_formatter?: string;
  up_formatter_parameter?: string;
  down_formatter?: string;
  down_formatter_parameter?: string;
}

const types = [
  { value: "FORMATTER_NONE", label: "None" },
  { value: "FORMATTER_JAVASCRIPT", label: "Custom JavaScript formatter" },
  { value: "FORMATTER_CAYENNELPP", label: "CayenneLPP" },
  { value: "FORMATTER_REPOSITORY", label: "Device repository" },
];

const uplinkTemplate = `function decodeUplink(input) {
  return { data: { bytes: input.bytes }, warnings: [], errors: [] };
}
`;
const downlinkTemplate = `function encodeDownlink(input) {
  return { bytes: [], fPort: 1, warnings: [], errors: [] };
}
`;

/**
 * The device's own payload formatters, which override the application's: a type per direction
 * and, for JavaScript, the script.
 */
export function FormattersTab({ appId, deviceId }: TabProps) {
  const path = registryPath("/as", appId, deviceId);
  const state = useRequest<{ formatters?: Formatters }>(path, { field_mask: ["formatters"] });
  const [own, setOwn] = useState(false);
  const [up, setUp] = useState({ type: "FORMATTER_NONE", script: "" });
  const [down, setDown] = useState({ type: "FORMATTER_NONE", script: "" });
  const action = useAction();
  const loaded = state.data;

  useEffect(() => {
    if (!loaded) return;
    const formatters = loaded.formatters;
    setOwn(formatters !== undefined);
    setUp({
      type: formatters?.up_formatter ?? "FORMATTER_NONE",
      script: formatters?.up_formatter_parameter ?? "",
    });
    setDown({
      type: formatters?.down_formatter ?? "FORMATTER_NONE",
      script: formatters?.down_formatter_parameter ?? "",
    });
  }, [loaded]);

  if (state.error)
    return <ErrorAlert error={state.error} title="The formatters could not be loaded" />;
  if (!loaded) return <Loader aria-label="Loading the formatters" />;

  const save = () =>
    action.run(async () => {
      const formatters: Formatters = {
        up_formatter: up.type,
        down_formatter: down.type,
        ...(up.type === "FORMATTER_JAVASCRIPT" ? { up_formatter_parameter: up.script } : {}),
        ...(down.type === "FORMATTER_JAVASCRIPT" ? { down_formatter_parameter: down.script } : {}),
      };
      const ids = (await api.get<{ ids: unknown }>(registryPath("", appId, deviceId))).ids;
      await api.put(path, {
        end_device: own ? { ids, formatters } : { ids },
        field_mask: { paths: ["formatters"] },
      });
      notifications.show({ color: "green", title: "Payload formatters saved", message: deviceId });
      state.reload();
    });

  return (
    <Stack>
      <Switch
        label="Use the application's payload formatters"
        description="Off: this end device has its own formatters, which apply instead of the application's."
        checked={!own}
        onChange={(event) => setOwn(!event.currentTarget.checked)}
      />
      {!own ? (
        <Alert color="blue" variant="light">
          This end device uses the application's default payload formatters.
        </Alert>
      ) : null}
      {(
        [
          ["Uplink", up, setUp, uplinkTemplate],
          ["Downlink", down, setDown, downlinkTemplate],
        ] as const
      )
        .filter(() => own)
        .map(([direction, value, set, template]) => (
          <Paper withBorder p="md" key={direction}>
            <Stack>
              <Title order={3} size="h4">
                {direction} payload formatter
              </Title>
              <Select
                label={`${direction} formatter type`}
                data={types}
                allowDeselect={false}
                value={value.type}
                onChange={(type) =>
                  set({
                    type: type ?? "FORMATTER_NONE",
                    script:
                      type === "FORMATTER_JAVASCRIPT" && !value.script ? template : value.script,
                  })
                }
              />
              {value.type === "FORMATTER_JAVASCRIPT" ? (
                <Textarea
                  label={`${direction} formatter script`}
                  styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
                  autosize
                  minRows={6}
                  maxRows={24}
                  spellCheck={false}
                  value={value.script}
                  onChange={(event) => set({ ...value, script: event.currentTarget.value })}
                />
              ) : null}
            </Stack>
          </Paper>
        ))}
      <ErrorAlert error={action.error} title="The formatters were not saved" />
      <Group>
        <Button onClick={save} loading={action.busy}>
          Save payload formatters
        </Button>
      </Group>
    </Stack>
  );
}

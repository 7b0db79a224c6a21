import {
  Button,
  Group,
  Paper,
  Radio,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import type { TabProps } from "./DevicePage.tsx";
import { base64ToHex, buildDownlink, type DownlinkValues } from "./downlink.ts";
import { api, ErrorAlert, useRequest } from "./shell.ts";
import { registryPath } from "./use-device.ts";

interface QueuedDownlink {
  f_port?: number;
  f_cnt?: number;
  frm_payload?: string;
  decoded_payload?: unknown;
  confirmed?: boolean;
  priority?: string;
}

/**
 * Scheduling downlinks: FPort, a hex payload or JSON for the payload formatter to encode,
 * confirmed or not, pushed to the end of the queue or replacing it; the queue listed and
 * cleared.
 */
export function MessagingTab({ appId, deviceId }: TabProps) {
  const base = registryPath("/as", appId, deviceId);
  const queue = useRequest<{ downlinks?: QueuedDownlink[] }>(`${base}/down`);
  const [mode, setMode] = useState<"push" | "replace">("push");
  const [error, setError] = useState<unknown>(null);
  const form = useForm<DownlinkValues>({
    mode: "controlled",
    initialValues: { fPort: "1", payloadType: "bytes", payload: "", confirmed: false },
    validate: (values) => {
      const built = buildDownlink(values);
      return "errors" in built ? built.errors : {};
    },
  });

  const send = form.onSubmit(async (values) => {
    setError(null);
    const built = buildDownlink(values);
    if ("errors" in built) return;
    try {
      await api.post(`${base}/down/${mode}`, { downlinks: [built.downlink] });
      notifications.show({
        color: "green",
        title: "Downlink scheduled",
        message: `FPort ${values.fPort}, ${mode === "push" ? "added to" : "replacing"} the queue.`,
      });
      queue.reload();
    } catch (caught) {
      setError(caught);
    }
  });

  const clear = async () => {
    setError(null);
    try {
      await api.post(`${base}/down/replace`, { downlinks: [] });
      queue.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  const downlinks = queue.data?.downlinks ?? [];
  return (
    <Stack>
      <Paper withBorder p="md">
        <form onSubmit={send} aria-label="Schedule downlink">
          <Stack>
            <Title order={3} size="h4">
              Schedule downlink
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label="FPort"
                inputMode="numeric"
                withAsterisk
                {...form.getInputProps("fPort")}
              />
              <Radio.Group
                label="Insert mode"
                value={mode}
                onChange={(value) => setMode(value as "push" | "replace")}
              >
                <Group mt="xs">
                  <Radio value="push" label="Push to the queue" />
                  <Radio value="replace" label="Replace the queue" />
                </Group>
              </Radio.Group>
            </SimpleGrid>
            <Stack gap={4}>
              <Text size="sm" fw={500} id="payload-type-label">
                Payload type
              </Text>
              <SegmentedControl
                aria-labelledby="payload-type-label"
                data={[
                  { value: "bytes", label: "Bytes (hex)" },
                  { value: "json", label: "JSON (encoded by the formatter)" },
                ]}
                {...form.getInputProps("payloadType")}
              />
            </Stack>
            <Textarea
              label="Payload"
              styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
              autosize
              minRows={2}
              placeholder={form.values.payloadType === "bytes" ? "01 02 03" : '{"led": true}'}
              {...form.getInputProps("payload")}
            />
            <Switch
              label="Confirmed downlink"
              {...form.getInputProps("confirmed", { type: "checkbox" })}
            />
            {error ? <ErrorAlert error={error} title="The downlink was not scheduled" /> : null}
            <Group>
              <Button type="submit" loading={form.submitting}>
                Schedule downlink
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      <Paper withBorder p="md">
        <Stack>
          <Group justify="space-between">
            <Title order={3} size="h4">
              Downlink queue
            </Title>
            <Group gap="xs">
              <Button variant="default" size="xs" onClick={queue.reload} loading={queue.loading}>
                Refresh queue
              </Button>
              <Button
                color="red"
                variant="light"
                size="xs"
                onClick={clear}
                disabled={downlinks.length === 0}
              >
                Clear downlink queue
              </Button>
            </Group>
          </Group>
          {queue.error ? (
            <ErrorAlert error={queue.error} title="The queue could not be read" />
          ) : null}
          {downlinks.length === 0 ? (
            <Text size="sm" c="dimmed">
              The queue is empty.
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={480}>
              <Table aria-label="Downlink queue">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>FCnt</Table.Th>
                    <Table.Th>FPort</Table.Th>
                    <Table.Th>Payload</Table.Th>
                    <Table.Th>Confirmed</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {downlinks.map((downlink, index) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: queued downlinks have no ID of their own
                    <Table.Tr key={`${downlink.f_cnt ?? "n"}-${index}`}>
                      <Table.Td>{downlink.f_cnt ?? "—"}</Table.Td>
                      <Table.Td>{downlink.f_port ?? "—"}</Table.Td>
                      <Table.Td ff="monospace">{base64ToHex(downlink.frm_payload) || "—"}</Table.Td>
                      <Table.Td>{downlink.confirmed ? "Yes" : "No"}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}

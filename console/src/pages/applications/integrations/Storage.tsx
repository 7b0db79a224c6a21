import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  Paper,
  Stack,
  Switch,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { IconRefresh } from "@tabler/icons-react";
import { useCallback, useEffect, useState } from "react";
import { base64ToHex } from "../bytes.ts";
import { useApplication } from "../context.ts";
import { Problem } from "../Problem.tsx";
import {
  api,
  apiFetch,
  apiUrl,
  DateTime,
  ErrorAlert,
  errorFromResponse,
  JsonView,
  useAction,
  useRequest,
} from "../shell.ts";
import type { DefaultAssociation, StoredUp } from "../types.ts";
import { streamResults } from "./stored-ups.ts";

/** The Application Server's storage package (its catalog name). */
export const storagePackage = "storage-integration";
/** The FPort the storage package's default association is made on (its default FPort). */
const storageFPort = 200;

/** The newest stored uplinks of the application (the stream read to its end). */
function useStoredUplinks(appId: string, enabled: boolean) {
  const [state, setState] = useState<{ ups?: StoredUp[]; error?: unknown; loading: boolean }>({
    loading: false,
  });
  const load = useCallback(async () => {
    setState((current) => ({ ...current, loading: true }));
    try {
      const response = await apiFetch(
        "GET",
        apiUrl(`/as/applications/${encodeURIComponent(appId)}/packages/storage/uplink_message`, {
          limit: 10,
          order: "-received_at",
        }),
      );
      if (!response.ok) throw await errorFromResponse(response);
      const read = streamResults<StoredUp>(await response.text());
      if (read.error) throw new Error(read.error);
      setState({ ups: read.results, loading: false });
    } catch (error) {
      setState({ error, loading: false });
    }
  }, [appId]);
  useEffect(() => {
    if (enabled) void load();
  }, [enabled, load]);
  return { ...state, reload: load };
}

/** The storage integration: on or off for the application, and its recent uplinks. */
export function Storage() {
  const { appId } = useApplication();
  const associations = useRequest<{ defaults?: DefaultAssociation[] }>(
    `/as/applications/${encodeURIComponent(appId)}/packages/associations`,
    { field_mask: "package_name" },
  );
  const ours = (associations.data?.defaults ?? []).filter(
    (association) => association.package_name === storagePackage,
  );
  const active = ours.length > 0;
  const stored = useStoredUplinks(appId, Boolean(associations.data));
  const action = useAction();

  const toggle = (on: boolean) =>
    action.run(async () => {
      const base = `/as/applications/${encodeURIComponent(appId)}/packages/associations`;
      if (on) {
        const taken = new Set((associations.data?.defaults ?? []).map((item) => item.ids.f_port));
        let fPort = storageFPort;
        while (taken.has(fPort) && fPort < 255) fPort++;
        await api.put(`${base}/${fPort}`, {
          default: { package_name: storagePackage },
          field_mask: { paths: ["package_name"] },
        });
      } else {
        for (const association of ours) await api.del(`${base}/${association.ids.f_port}`);
      }
      associations.reload();
    });

  if (associations.error)
    return <Problem error={associations.error} what="the storage integration" />;
  if (!associations.data) return <Loader aria-label="Loading the storage integration" />;
  const ups = stored.ups ?? [];

  return (
    <Stack>
      <Paper withBorder p="lg" radius="md">
        <Stack>
          <Group justify="space-between">
            <Title order={3} size="h4">
              Storage integration
            </Title>
            <Badge color={active ? "green" : "gray"} variant="light">
              {active ? "Active" : "Inactive"}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed">
            Keeps the application's messages for a while, to be read back through the API (for
            example after your integration was offline).
          </Text>
          <Switch
            label="Store the messages of every end device of this application"
            checked={active}
            disabled={action.busy}
            onChange={(event) => void toggle(event.currentTarget.checked)}
          />
          {action.error ? (
            <ErrorAlert error={action.error} title="Could not change the storage integration" />
          ) : null}
        </Stack>
      </Paper>
      <Paper withBorder p="lg" radius="md">
        <Stack>
          <Group justify="space-between">
            <Title order={3} size="h5">
              Recent stored uplinks
            </Title>
            <Button
              variant="subtle"
              size="compact-sm"
              leftSection={<IconRefresh size={14} />}
              onClick={() => void stored.reload()}
              loading={stored.loading}
            >
              Refresh
            </Button>
          </Group>
          {stored.error ? (
            <Problem error={stored.error} what="the stored uplinks" />
          ) : ups.length === 0 ? (
            <Alert color="gray" variant="light">
              {active
                ? "No uplinks stored yet; they appear here as end devices send them."
                : "Nothing stored. Turn the storage integration on to keep uplinks."}
            </Alert>
          ) : (
            <Table.ScrollContainer minWidth={560}>
              <Table verticalSpacing="xs" aria-label="Stored uplinks">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Received</Table.Th>
                    <Table.Th>End device</Table.Th>
                    <Table.Th>FPort</Table.Th>
                    <Table.Th>FCnt</Table.Th>
                    <Table.Th>Payload</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {ups.map((up, index) => {
                    const message = up.uplink_message ?? {};
                    return (
                      // biome-ignore lint/suspicious/noArrayIndexKey: stored messages have no ID
                      <Table.Tr key={index}>
                        <Table.Td>
                          <DateTime value={up.received_at ?? message.received_at} />
                        </Table.Td>
                        <Table.Td ff="monospace">{up.end_device_ids?.device_id}</Table.Td>
                        <Table.Td>{message.f_port ?? "—"}</Table.Td>
                        <Table.Td>{message.f_cnt ?? 0}</Table.Td>
                        <Table.Td>
                          {message.decoded_payload !== undefined ? (
                            <JsonView value={message.decoded_payload} maxHeight={120} />
                          ) : (
                            <Text size="sm" ff="monospace">
                              {base64ToHex(message.frm_payload ?? "") || "(empty)"}
                            </Text>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}

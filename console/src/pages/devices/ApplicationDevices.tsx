import { Anchor, Button, Group, Pagination, Stack, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconFileImport, IconPlus, IconSearch } from "@tabler/icons-react";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { lastSeenOf, type RecentUplink } from "./last-seen.ts";
import { devicePage, importPage, registerPage } from "./paths.ts";
import { DateTime, EmptyState, ErrorAlert, usePaged, useRequest } from "./shell.ts";

/** A device as the list shows it (the Identity Server's fields). */
interface ListedDevice {
  ids: { device_id: string; dev_eui?: string; join_eui?: string };
  name?: string;
  created_at?: string;
}

const pageSize = 20;

/**
 * The End devices of an application: name, DevEUI and when each was last seen, with search
 * (IDs, names and EUIs), paging and the way to register or import devices.
 */
export function ApplicationDevices({ appId }: { appId: string }) {
  const navigate = useNavigate();
  const [search, setSearch] = useState("");
  const [query] = useDebouncedValue(search.trim(), 300);
  const app = encodeURIComponent(appId);
  const list = usePaged<ListedDevice>(
    query ? `/search/applications/${app}/devices` : `/applications/${app}/devices`,
    "end_devices",
    {
      field_mask: ["name", "created_at"],
      order: "device_id",
      limit: pageSize,
      ...(query ? { query } : {}),
    },
  );
  const pages = Math.max(1, Math.ceil(list.total / pageSize));
  const actions = (
    <Group gap="xs">
      <Button
        variant="default"
        leftSection={<IconFileImport size={16} />}
        onClick={() => navigate(importPage(appId))}
      >
        Import end devices
      </Button>
      <Button leftSection={<IconPlus size={16} />} onClick={() => navigate(registerPage(appId))}>
        Register end device
      </Button>
    </Group>
  );

  if (!list.loading && !list.error && list.total === 0 && query === "")
    return (
      <EmptyState
        title="No end devices yet"
        description="Register an end device to see its data, or import many at once from a CSV or JSON file."
        action={actions}
      />
    );

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <TextInput
          label="Search end devices"
          placeholder="ID, name or EUI"
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={{ base: "100%", sm: 320 }}
        />
        {actions}
      </Group>
      {list.error ? (
        <ErrorAlert error={list.error} title="The end devices could not be listed" />
      ) : null}
      <Table.ScrollContainer minWidth={360}>
        <Table highlightOnHover verticalSpacing="sm" aria-label="End devices">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>ID</Table.Th>
              <Table.Th visibleFrom="sm">Name</Table.Th>
              <Table.Th>DevEUI</Table.Th>
              <Table.Th>Last seen</Table.Th>
              <Table.Th visibleFrom="sm">Created</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.items.map((device) => (
              <Table.Tr
                key={device.ids.device_id}
                style={{ cursor: "pointer" }}
                onClick={() => navigate(devicePage(appId, device.ids.device_id))}
              >
                <Table.Td>
                  <Anchor
                    component={Link}
                    to={devicePage(appId, device.ids.device_id)}
                    onClick={(event) => event.stopPropagation()}
                    ff="monospace"
                    size="sm"
                  >
                    {device.ids.device_id}
                  </Anchor>
                </Table.Td>
                <Table.Td visibleFrom="sm">
                  {device.name || (
                    <Text c="dimmed" size="sm">
                      —
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text ff="monospace" size="sm">
                    {device.ids.dev_eui ?? "—"}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <LastSeen appId={appId} deviceId={device.ids.device_id} />
                </Table.Td>
                <Table.Td visibleFrom="sm">
                  <DateTime value={device.created_at} />
                </Table.Td>
              </Table.Tr>
            ))}
            {!list.loading && list.items.length === 0 && query !== "" ? (
              <Table.Tr>
                <Table.Td colSpan={5}>
                  <Text c="dimmed" size="sm">
                    No end device matches “{query}”.
                  </Text>
                </Table.Td>
              </Table.Tr>
            ) : null}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {list.loading ? "Loading…" : `${list.total} end device${list.total === 1 ? "" : "s"}`}
        </Text>
        {pages > 1 ? (
          <Pagination
            total={pages}
            value={list.page}
            onChange={list.setPage}
            getControlProps={(control) => ({
              "aria-label":
                control === "next"
                  ? "Next page"
                  : control === "previous"
                    ? "Previous page"
                    : control,
            })}
          />
        ) : null}
      </Group>
    </Stack>
  );
}

/**
 * When the Network Server last heard the device: its newest recent uplink. (This Identity
 * Server does not keep `last_seen_at`.)
 */
function LastSeen({ appId, deviceId }: { appId: string; deviceId: string }) {
  const state = useRequest<{ mac_state?: { recent_uplinks?: RecentUplink[] } }>(
    `/ns/applications/${encodeURIComponent(appId)}/devices/${encodeURIComponent(deviceId)}`,
    { field_mask: ["mac_state.recent_uplinks"] },
  );
  const seen = lastSeenOf(state.data?.mac_state?.recent_uplinks);
  if (seen) return <DateTime value={seen} />;
  return (
    <Text c="dimmed" size="sm">
      {state.loading ? "…" : "Never"}
    </Text>
  );
}

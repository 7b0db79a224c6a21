import {
  Anchor,
  Button,
  Group,
  Pagination,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from "@mantine/core";
import { IconFileImport, IconPlus, IconSearch } from "@tabler/icons-react";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { devicePage, importPage, registerPage } from "./paths.ts";
import { DateTime, EmptyState, ErrorAlert, useSearchedList } from "./shell.ts";

/** A device as the list shows it (the Identity Server's fields). */
interface ListedDevice {
  ids: { device_id: string; dev_eui?: string; join_eui?: string };
  name?: string;
  created_at?: string;
  /** Kept by the Identity Server, written by the Network Server every few seconds. */
  last_seen_at?: string;
}

const pageSize = 20;

/** The list's orders (the API's `order`; never-seen devices come last by last seen). */
const orders = [
  { value: "device_id", label: "Device ID" },
  { value: "-last_seen_at", label: "Last seen" },
  { value: "-created_at", label: "Newest" },
  { value: "name", label: "Name" },
];

/**
 * The End devices of an application: name, DevEUI and when each was last seen (the Identity
 * Server's `last_seen_at`, in the same list call), with search (IDs, names and EUIs), sorting,
 * paging and the way to register or import devices.
 */
export function ApplicationDevices({ appId }: { appId: string }) {
  const navigate = useNavigate();
  const [order, setOrder] = useState("device_id");
  const app = encodeURIComponent(appId);
  const list = useSearchedList<ListedDevice>(`/applications/${app}/devices`, "end_devices", {
    field_mask: ["name", "created_at", "last_seen_at"],
    order,
    limit: pageSize,
  });
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

  if (list.shows === "empty")
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
          value={list.search}
          onChange={(event) => list.setSearch(event.currentTarget.value)}
          w={{ base: "100%", sm: 320 }}
        />
        <Select
          label="Sort by"
          data={orders}
          value={order}
          // A new order starts on the first page (usePaged).
          onChange={(value) => value && setOrder(value)}
          allowDeselect={false}
          w={{ base: "100%", sm: 180 }}
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
                  {device.last_seen_at ? (
                    <DateTime value={device.last_seen_at} />
                  ) : (
                    <Text c="dimmed" size="sm">
                      Never
                    </Text>
                  )}
                </Table.Td>
                <Table.Td visibleFrom="sm">
                  <DateTime value={device.created_at} />
                </Table.Td>
              </Table.Tr>
            ))}
            {list.shows === "no-match" ? (
              <Table.Tr>
                <Table.Td colSpan={5}>
                  <Text c="dimmed" size="sm">
                    No end device matches “{list.query}”.
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
        {list.pages > 1 ? (
          <Pagination
            total={list.pages}
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

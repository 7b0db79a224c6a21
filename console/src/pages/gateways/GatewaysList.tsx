import { Anchor, Button, Group, Pagination, Stack, Table, Text, TextInput } from "@mantine/core";
import { useInterval } from "@mantine/hooks";
import { IconPlus, IconSearch } from "@tabler/icons-react";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { api } from "../../api/client";
import { useSearchedList } from "../../api/searched-list";
import { DateTime, EmptyState, ErrorAlert, PageHeader } from "../../components";
import { ConnectionBadge } from "./ConnectionBadge";
import { type ConnectionStats, frequencyPlansOf, type Gateway } from "./gateway";

const pageSize = 20;

/**
 * The connection stats of the listed gateways, from one batch call to the Gateway Server,
 * refreshed every 15 seconds. Gateways it leaves out are not connected.
 */
export function useBatchStats(ids: string[]): {
  stats: Record<string, ConnectionStats>;
  loaded: boolean;
  error?: unknown;
} {
  const [state, setState] = useState<{
    stats: Record<string, ConnectionStats>;
    loaded: boolean;
    error?: unknown;
  }>({ stats: {}, loaded: false });
  const [tick, setTick] = useState(0);
  const interval = useInterval(() => setTick((t) => t + 1), 15_000);
  useEffect(() => {
    interval.start();
    return interval.stop;
  }, [interval.start, interval.stop]);
  const key = ids.join(",");
  useEffect(() => {
    void tick;
    const list = key === "" ? [] : key.split(",");
    if (list.length === 0) {
      setState({ stats: {}, loaded: true });
      return;
    }
    let cancelled = false;
    api
      .post<{ entries?: Record<string, ConnectionStats> }>("/gs/gateways/connection/stats", {
        gateway_ids: list.map((gateway_id) => ({ gateway_id })),
      })
      .then((response) => {
        if (!cancelled) setState({ stats: response.entries ?? {}, loaded: true });
      })
      .catch((error: unknown) => {
        if (!cancelled) setState((previous) => ({ ...previous, loaded: true, error }));
      });
    return () => {
      cancelled = true;
    };
  }, [key, tick]);
  return state;
}

/** The gateways the caller can see, with their connection status. */
export function GatewaysList() {
  const list = useSearchedList<Gateway>("/gateways", "gateways", {
    field_mask: "name,frequency_plan_ids,frequency_plan_id,created_at",
    limit: pageSize,
    order: "gateway_id",
  });
  const noMatch = list.shows === "no-match";
  const {
    stats,
    loaded,
    error: statsError,
  } = useBatchStats(list.items.map((gateway) => gateway.ids.gateway_id));

  return (
    <Stack>
      <PageHeader
        title="Gateways"
        description="The gateways you can manage and whether they are connected."
        actions={
          <Button component={Link} to="/gateways/add" leftSection={<IconPlus size={16} />}>
            Register gateway
          </Button>
        }
      />
      <TextInput
        label="Search gateways"
        placeholder="ID, name or EUI"
        leftSection={<IconSearch size={16} />}
        value={list.search}
        onChange={(event) => list.setSearch(event.currentTarget.value)}
        maw={360}
      />
      {list.error !== undefined && (
        <ErrorAlert error={list.error} title="Could not list gateways" />
      )}
      {statsError !== undefined && (
        <ErrorAlert error={statsError} title="Could not read the connection status" />
      )}
      {list.shows === "empty" || noMatch ? (
        <EmptyState
          title={noMatch ? "No gateway matches" : "No gateways yet"}
          description={
            noMatch
              ? "Try another ID or name."
              : "Register a gateway to receive the uplinks of your devices."
          }
          action={
            noMatch ? undefined : (
              <Button component={Link} to="/gateways/add">
                Register gateway
              </Button>
            )
          }
        />
      ) : (
        <Table.ScrollContainer minWidth={360}>
          <Table highlightOnHover verticalSpacing="sm" aria-label="Gateways">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>ID</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th visibleFrom="sm">EUI</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th visibleFrom="md">Frequency plan</Table.Th>
                <Table.Th visibleFrom="md">Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.items.map((gateway) => {
                const id = gateway.ids.gateway_id;
                return (
                  <Table.Tr key={id}>
                    <Table.Td>
                      <Anchor
                        component={Link}
                        to={`/gateways/${encodeURIComponent(id)}`}
                        ff="monospace"
                        size="sm"
                      >
                        {id}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{gateway.name || <Text c="dimmed">—</Text>}</Table.Td>
                    <Table.Td visibleFrom="sm">
                      <Text ff="monospace" size="sm">
                        {gateway.ids.eui ?? "—"}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <ConnectionBadge stats={stats[id]} loading={!loaded} />
                    </Table.Td>
                    <Table.Td visibleFrom="md">
                      {frequencyPlansOf(gateway).join(", ") || "—"}
                    </Table.Td>
                    <Table.Td visibleFrom="md">
                      <DateTime value={gateway.created_at} />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.pages > 1 && (
        <Group justify="flex-end">
          <Pagination
            total={list.pages}
            value={list.page}
            onChange={list.setPage}
            aria-label="Gateway pages"
          />
        </Group>
      )}
    </Stack>
  );
}

import { Badge, Button, Group, Loader, Stack, Tabs } from "@mantine/core";
import { useInterval } from "@mantine/hooks";
import { IconDownload } from "@tabler/icons-react";
import { lazy, Suspense, useEffect, useState } from "react";
import { useParams } from "react-router";
import { api, errorMessage } from "../../api/client";
import { useRequest } from "../../api/hooks";
import { useAction } from "../../api/use-action";
import { ErrorAlert, EventsView, PageHeader } from "../../components";
import { ApiKeysPanel } from "../../components/entity-access/ApiKeysPanel";
import { CollaboratorsPanel } from "../../components/entity-access/CollaboratorsPanel";
import { RouteTabs } from "../../components/RouteTabs";
import { ConnectionBadge } from "./ConnectionBadge";
import { ConnectionStatsPanel } from "./ConnectionStatsPanel";
import { download } from "./download";
import { GatewayOverview } from "./GatewayOverview";
import { GatewaySettings } from "./GatewaySettings";
import { type ConnectionStats, type Gateway, gatewayFields } from "./gateway";

// The chart library is only loaded when the status history is opened.
const StatusHistory = lazy(() =>
  import("./StatusHistory").then((module) => ({ default: module.StatusHistory })),
);

const tabs = [
  { value: "overview", label: "Overview" },
  { value: "data", label: "Live data" },
  { value: "connection", label: "Connection" },
  { value: "history", label: "Status history" },
  { value: "collaborators", label: "Collaborators" },
  { value: "api-keys", label: "API keys" },
  { value: "settings", label: "Settings" },
] as const;

/**
 * The gateway's connection stats from the Gateway Server, polled every 10 seconds;
 * `not_connected` (404) is a state, not an error.
 */
export function useConnectionStats(gatewayId: string): {
  stats?: ConnectionStats;
  loaded: boolean;
  error?: unknown;
} {
  const [state, setState] = useState<{ stats?: ConnectionStats; loaded: boolean; error?: unknown }>(
    { loaded: false },
  );
  const [tick, setTick] = useState(0);
  const interval = useInterval(() => setTick((t) => t + 1), 10_000);
  useEffect(() => {
    interval.start();
    return interval.stop;
  }, [interval.start, interval.stop]);
  useEffect(() => {
    void tick;
    let cancelled = false;
    api
      .get<ConnectionStats>(`/gs/gateways/${encodeURIComponent(gatewayId)}/connection/stats`)
      .then((stats) => {
        if (!cancelled) setState({ stats, loaded: true });
      })
      .catch((error: unknown) => {
        if (cancelled) return;
        const status = (error as { status?: number }).status;
        setState(status === 404 ? { loaded: true } : { loaded: true, error });
      });
    return () => {
      cancelled = true;
    };
  }, [gatewayId, tick]);
  return state;
}

/** Downloads the gateway's `global_conf.json` for a Semtech UDP packet forwarder (GCS route). */
function GlobalConfButton({ gatewayId }: { gatewayId: string }) {
  const action = useAction();
  return (
    <Stack gap={4} align="flex-end">
      <Button
        variant="default"
        leftSection={<IconDownload size={16} />}
        loading={action.busy}
        onClick={() =>
          action.run(async () => {
            const conf = await api.get<unknown>(
              `/gcs/gateways/${encodeURIComponent(gatewayId)}/semtechudp/global_conf.json`,
            );
            download("global_conf.json", `${JSON.stringify(conf, null, 2)}\n`, "application/json");
          })
        }
      >
        Download global_conf.json
      </Button>
      {action.error !== undefined && (
        <Badge color="red" variant="light" role="alert">
          {errorMessage(action.error)}
        </Badge>
      )}
    </Stack>
  );
}

/** One gateway: overview, live data, connection, status history, access and settings. */
export function GatewayPage() {
  const params = useParams();
  const gatewayId = params.gatewayId ?? "";
  const gateway = useRequest<Gateway>(`/gateways/${encodeURIComponent(gatewayId)}`, {
    field_mask: gatewayFields.join(","),
  });
  const connection = useConnectionStats(gatewayId);
  const entity = { kind: "gateways", id: gatewayId } as const;
  const base = `/gateways/${encodeURIComponent(gatewayId)}`;

  if (gateway.loading && !gateway.data) return <Loader aria-label="Loading gateway" />;
  if (gateway.error !== undefined && !gateway.data)
    return (
      <Stack>
        <PageHeader
          title={gatewayId}
          breadcrumbs={[{ label: "Gateways", to: "/gateways" }, { label: gatewayId }]}
        />
        <ErrorAlert error={gateway.error} title="Could not load the gateway" />
      </Stack>
    );
  const data = gateway.data;
  return (
    <Stack>
      <PageHeader
        title={data?.name || gatewayId}
        description={
          <Group gap="sm">
            <span>{gatewayId}</span>
            <ConnectionBadge stats={connection.stats} loading={!connection.loaded} />
          </Group>
        }
        breadcrumbs={[{ label: "Gateways", to: "/gateways" }, { label: gatewayId }]}
        actions={<GlobalConfButton gatewayId={gatewayId} />}
      />
      <RouteTabs base={base} tabs={tabs}>
        <Tabs.Panel value="overview" pt="md">
          {data && <GatewayOverview gateway={data} connection={connection} />}
        </Tabs.Panel>
        <Tabs.Panel value="data" pt="md">
          <EventsView identifiers={[{ gateway_ids: { gateway_id: gatewayId } }]} />
        </Tabs.Panel>
        <Tabs.Panel value="connection" pt="md">
          <ConnectionStatsPanel connection={connection} />
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="md">
          <Suspense fallback={<Loader aria-label="Loading chart" />}>
            <StatusHistory gatewayId={gatewayId} />
          </Suspense>
        </Tabs.Panel>
        <Tabs.Panel value="collaborators" pt="md">
          <CollaboratorsPanel entity={entity} />
        </Tabs.Panel>
        <Tabs.Panel value="api-keys" pt="md">
          <ApiKeysPanel entity={entity} />
        </Tabs.Panel>
        <Tabs.Panel value="settings" pt="md">
          {data && <GatewaySettings gateway={data} onSaved={gateway.reload} />}
        </Tabs.Panel>
      </RouteTabs>
    </Stack>
  );
}

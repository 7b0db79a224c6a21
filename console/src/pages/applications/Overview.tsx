import { Card, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { applicationPath, useApplication } from "./context.ts";
import { integrationPath } from "./integrations/integration-api.ts";
import { useLastActivity } from "./last-activity.ts";
import { isNotFound } from "./Problem.tsx";
import { DateTime, EventsView, errorMessage, usePaged, useRequest } from "./shell.ts";
import { laterOf } from "./times.ts";
import type { PubSub, Webhook } from "./types.ts";

interface DeviceLastSeen {
  ids: { device_id: string };
  last_seen_at?: string;
}

function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Card withBorder radius="md" padding="md">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fw={600} size="xl" component="div">
        {children}
      </Text>
    </Card>
  );
}

/** A count, or what stopped it ("—" with the reason as a title). */
function countOf(count: number | undefined, error: unknown, loading: boolean): ReactNode {
  if (error && !isNotFound(error))
    return (
      <Text span title={errorMessage(error)} c="dimmed" inherit>
        —
      </Text>
    );
  if (loading && count === undefined) return "…";
  return count ?? 0;
}

/**
 * The application at a glance: counts, last activity (the newest of the devices' last seen
 * times and the application's uplink events) and its latest events.
 */
export function Overview() {
  const { appId, application } = useApplication();
  const devices = usePaged<DeviceLastSeen>(`${applicationPath(appId)}/devices`, "end_devices", {
    field_mask: "last_seen_at",
    order: "-last_seen_at",
    limit: 1,
  });
  const webhooks = useRequest<{ webhooks?: Webhook[] }>(integrationPath("webhooks", appId));
  const pubsubs = useRequest<{ pubsubs?: PubSub[] }>(integrationPath("pubsub", appId));
  const lastEvent = useLastActivity(appId);
  const lastSeen = laterOf(devices.items[0]?.last_seen_at, lastEvent);

  return (
    <Stack>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Stat label="End devices">
          {countOf(devices.error ? undefined : devices.total, devices.error, devices.loading)}
        </Stat>
        <Stat label="Last activity">
          {lastSeen ? (
            <DateTime value={lastSeen} />
          ) : devices.loading ? (
            "…"
          ) : (
            <Text span c="dimmed" inherit>
              None yet
            </Text>
          )}
        </Stat>
        <Stat label="Webhooks">
          {countOf(webhooks.data?.webhooks?.length, webhooks.error, webhooks.loading)}
        </Stat>
        <Stat label="Pub/Subs">
          {countOf(pubsubs.data?.pubsubs?.length, pubsubs.error, pubsubs.loading)}
        </Stat>
      </SimpleGrid>
      <Group gap="xl">
        {application.created_at ? (
          <Text size="sm" c="dimmed">
            Created <DateTime value={application.created_at} />
          </Text>
        ) : null}
        {application.description ? <Text size="sm">{application.description}</Text> : null}
      </Group>
      <Title order={3} size="h4">
        Live data
      </Title>
      <EventsView identifiers={[{ application_ids: { application_id: appId } }]} tail={10} />
    </Stack>
  );
}

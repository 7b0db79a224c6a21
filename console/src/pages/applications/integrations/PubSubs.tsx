import { Anchor, Badge, Button, Group, Stack, Table, Text, Title } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { Link } from "react-router";
import { applicationPage, useApplication } from "../context.ts";
import { Problem } from "../Problem.tsx";
import { DateTime, EmptyState, useRequest } from "../shell.ts";
import type { PubSub } from "../types.ts";
import { integrationPath } from "./integration-api.ts";

/** The application's pub/subs (MQTT and NATS). */
export function PubSubs() {
  const { appId } = useApplication();
  const list = useRequest<{ pubsubs?: PubSub[] }>(integrationPath("pubsub", appId), {
    field_mask: "format,base_topic,mqtt.server_url,nats.server_url,updated_at",
  });
  const add = (
    <Button
      component={Link}
      to={applicationPage(appId, "integrations/pubsubs/add")}
      leftSection={<IconPlus size={16} />}
    >
      Add Pub/Sub
    </Button>
  );
  const pubsubs = list.data?.pubsubs ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3} size="h4">
          Pub/Subs
        </Title>
        {pubsubs.length > 0 ? add : null}
      </Group>
      {list.error ? (
        <Problem error={list.error} what="the Pub/Subs" />
      ) : list.loading && !list.data ? null : pubsubs.length === 0 ? (
        <EmptyState
          title="No Pub/Subs yet"
          description="A Pub/Sub publishes the application's messages to your MQTT broker and takes downlinks from it."
          action={add}
        />
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="sm" highlightOnHover aria-label="Pub/Subs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>ID</Table.Th>
                <Table.Th>Provider</Table.Th>
                <Table.Th>Server</Table.Th>
                <Table.Th>Base topic</Table.Th>
                <Table.Th>Updated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {pubsubs.map((pubsub) => {
                const id = pubsub.ids.pub_sub_id;
                return (
                  <Table.Tr key={id}>
                    <Table.Td>
                      <Anchor
                        component={Link}
                        to={applicationPage(
                          appId,
                          `integrations/pubsubs/${encodeURIComponent(id)}`,
                        )}
                        ff="monospace"
                      >
                        {id}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light">{pubsub.nats ? "NATS" : "MQTT"}</Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace" style={{ wordBreak: "break-all" }}>
                        {pubsub.mqtt?.server_url ?? pubsub.nats?.server_url}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {pubsub.base_topic}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {pubsub.updated_at ? <DateTime value={pubsub.updated_at} /> : null}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

import { Anchor, Badge, Button, Group, Stack, Table, Text, Title } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { Link } from "react-router";
import { applicationPage, useApplication } from "../context.ts";
import { Problem } from "../Problem.tsx";
import { DateTime, EmptyState, StatusDot, useRequest } from "../shell.ts";
import type { Webhook } from "../types.ts";
import { integrationPath } from "./integration-api.ts";

/** How a webhook's deliveries go: a dot and a sentence. */
export function healthOf(webhook: Webhook): {
  status: "ok" | "warn" | "off";
  label: string;
  detail?: string;
} {
  if (webhook.paused) return { status: "off", label: "Paused" };
  const health = webhook.health_status;
  if (health?.unhealthy) {
    const attempts = Number(health.unhealthy.failed_attempts ?? 0);
    return {
      status: "warn",
      label: `Failing (${attempts} attempt${attempts === 1 ? "" : "s"})`,
      detail: health.unhealthy.last_failed_attempt_details?.message_format,
    };
  }
  if (health?.healthy) return { status: "ok", label: "Healthy" };
  return { status: "off", label: "No deliveries yet" };
}

/** The application's webhooks with their health. */
export function Webhooks() {
  const { appId } = useApplication();
  const list = useRequest<{ webhooks?: Webhook[] }>(integrationPath("webhooks", appId), {
    field_mask: "base_url,format,health_status,paused,updated_at",
  });
  const add = (
    <Button
      component={Link}
      to={applicationPage(appId, "integrations/webhooks/add")}
      leftSection={<IconPlus size={16} />}
    >
      Add webhook
    </Button>
  );
  const webhooks = list.data?.webhooks ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3} size="h4">
          Webhooks
        </Title>
        {webhooks.length > 0 ? add : null}
      </Group>
      {list.error ? (
        <Problem error={list.error} what="the webhooks" />
      ) : list.loading && !list.data ? null : webhooks.length === 0 ? (
        <EmptyState
          title="No webhooks yet"
          description="A webhook sends the application's messages to your HTTP server."
          action={add}
        />
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="sm" highlightOnHover aria-label="Webhooks">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>ID</Table.Th>
                <Table.Th>Base URL</Table.Th>
                <Table.Th>Format</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Updated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {webhooks.map((webhook) => {
                const health = healthOf(webhook);
                const id = webhook.ids.webhook_id;
                return (
                  <Table.Tr key={id}>
                    <Table.Td>
                      <Anchor
                        component={Link}
                        to={applicationPage(
                          appId,
                          `integrations/webhooks/${encodeURIComponent(id)}`,
                        )}
                        ff="monospace"
                      >
                        {id}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Text
                        size="sm"
                        ff="monospace"
                        lineClamp={1}
                        style={{ wordBreak: "break-all" }}
                      >
                        {webhook.base_url}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color="gray">
                        {webhook.format || "json"}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap" title={health.detail}>
                        <StatusDot status={health.status} />
                        <Text size="sm">{health.label}</Text>
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      {webhook.updated_at ? <DateTime value={webhook.updated_at} /> : null}
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

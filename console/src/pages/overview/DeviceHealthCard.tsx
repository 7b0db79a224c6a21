import { Card, Group, Loader, Stack, Text, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { apiFetch, apiUrl, errorFromResponse } from "../../api/client";
import { ErrorAlert, StatusDot } from "../../components";
import {
  type DeviceHealth,
  deviceHealth,
  type HealthPage,
  healthApplications,
  healthPerApplication,
} from "./device-health.ts";

/** One list call per application: its most recently seen devices, and how many it has. */
async function healthPage(applicationId: string, signal: AbortSignal): Promise<HealthPage> {
  const response = await apiFetch(
    "GET",
    apiUrl(`/applications/${encodeURIComponent(applicationId)}/devices`, {
      field_mask: "last_seen_at",
      order: "-last_seen_at",
      limit: healthPerApplication,
    }),
    undefined,
    signal,
  );
  if (!response.ok) throw await errorFromResponse(response);
  const body = (await response.json()) as { end_devices?: { last_seen_at?: string }[] };
  const devices = body.end_devices ?? [];
  const header = Number(response.headers.get("x-total-count"));
  return {
    lastSeen: devices.map((device) => device.last_seen_at),
    total: Number.isFinite(header) && header > devices.length ? header : devices.length,
  };
}

/**
 * The end devices of the user's first applications by when they were last seen (the Identity
 * Server's `last_seen_at`): in the last hour, the last 24 hours, longer ago, never.
 */
export function DeviceHealthCard({
  applicationIds,
  applicationCount,
}: {
  /** The user's applications, in the order they are listed. */
  applicationIds: readonly string[];
  /** How many applications the user has in all. */
  applicationCount: number;
}) {
  const shown = applicationIds.slice(0, healthApplications);
  const key = shown.join(",");
  const [state, setState] = useState<{ health?: DeviceHealth; error?: unknown }>({});
  useEffect(() => {
    const ids = key === "" ? [] : key.split(",");
    const controller = new AbortController();
    setState({});
    Promise.all(ids.map((id) => healthPage(id, controller.signal)))
      .then((pages) => {
        if (!controller.signal.aborted) setState({ health: deviceHealth(pages, Date.now()) });
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState({ error });
      });
    return () => controller.abort();
  }, [key]);

  const health = state.health;
  const rows: { label: string; value: number; status: "ok" | "warn" | "off" }[] = health
    ? [
        { label: "Seen in the last hour", value: health.hour, status: "ok" },
        { label: "Seen in the last 24 hours", value: health.day, status: "warn" },
        { label: "Seen longer ago", value: health.older, status: "off" },
        { label: "Never seen", value: health.never, status: "off" },
      ]
    : [];
  return (
    <Card component="section" withBorder padding="lg" aria-label="End device health">
      <Title order={3} size="h4">
        End devices last seen
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {applicationCount > shown.length
          ? `The first ${shown.length} of your ${applicationCount} applications`
          : "Your applications"}
        , up to {healthPerApplication} devices each (the most recently seen).
      </Text>
      {state.error !== undefined ? (
        <ErrorAlert error={state.error} title="Could not list the end devices" />
      ) : !health ? (
        <Loader size="sm" aria-label="Loading end device health" />
      ) : (
        <Stack gap="xs">
          {rows.map((row) => (
            <Group key={row.label} justify="space-between" wrap="nowrap">
              <Group gap={6} wrap="nowrap">
                <StatusDot status={row.status} label={row.label} />
                <Text size="sm">{row.label}</Text>
              </Group>
              <Text size="sm" fw={600}>
                {row.value}
              </Text>
            </Group>
          ))}
          {health.uncounted > 0 ? (
            <Text size="xs" c="dimmed">
              {health.uncounted} more not counted (past the first {healthPerApplication} of an
              application).
            </Text>
          ) : null}
        </Stack>
      )}
    </Card>
  );
}

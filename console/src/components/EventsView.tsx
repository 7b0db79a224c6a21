import {
  ActionIcon,
  Badge,
  Button,
  Collapse,
  Group,
  Paper,
  ScrollArea,
  Stack,
  Text,
  TextInput,
  Tooltip,
  UnstyledButton,
} from "@mantine/core";
import {
  IconChevronDown,
  IconChevronRight,
  IconPlayerPause,
  IconPlayerPlay,
  IconTrash,
} from "@tabler/icons-react";
import { memo, useEffect, useMemo, useRef, useState } from "react";
import {
  type EntityIdentifiers,
  type StreamEvent,
  type StreamStatus,
  streamEvents,
} from "../api/events";
import { ErrorAlert } from "./ErrorAlert";
import { eventEntity, eventSummary } from "./event-summary";
import { JsonView } from "./JsonView";

/** How many events the panel keeps (the oldest go first). */
const maxEvents = 500;

interface Row {
  key: number;
  event: StreamEvent;
}

const statusText: Record<StreamStatus, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  failed: "Stopped",
};

const statusColor: Record<StreamStatus, string> = {
  connecting: "gray",
  live: "green",
  reconnecting: "yellow",
  failed: "red",
};

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

const EventRow = memo(function EventRow({ event }: { event: StreamEvent }) {
  const [open, setOpen] = useState(false);
  const time = new Date(event.time);
  const summary = eventSummary(event);
  const entity = eventEntity(event);
  return (
    <Paper withBorder radius="sm" px="xs" py={4}>
      <UnstyledButton
        onClick={() => setOpen((value) => !value)}
        aria-expanded={open}
        aria-label={`${event.name} at ${Number.isNaN(time.getTime()) ? event.time : time.toISOString()}`}
        w="100%"
      >
        <Group gap="xs" wrap="nowrap" align="flex-start">
          {open ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
          <Text size="xs" ff="monospace" c="dimmed" style={{ flexShrink: 0 }}>
            {Number.isNaN(time.getTime()) ? "—" : timeFormat.format(time)}
          </Text>
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Group gap={6} wrap="wrap">
              <Text size="sm" ff="monospace" fw={500} style={{ overflowWrap: "anywhere" }}>
                {event.name}
              </Text>
              {entity && (
                <Text size="xs" c="dimmed">
                  {entity}
                </Text>
              )}
            </Group>
            {summary && (
              <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
                {summary}
              </Text>
            )}
          </Stack>
        </Group>
      </UnstyledButton>
      <Collapse expanded={open}>{open && <JsonView value={event} maxHeight={360} />}</Collapse>
    </Paper>
  );
});

/**
 * The live data panel: the events of some entities streaming in, newest first, with pause,
 * clear and a filter on the name; a row opens to its JSON.
 */
export function EventsView({
  identifiers,
  names,
  tail = 20,
  height = 480,
}: {
  identifiers: EntityIdentifiers[];
  names?: string[];
  tail?: number;
  height?: number;
}) {
  const [rows, setRows] = useState<Row[]>([]);
  const [paused, setPaused] = useState(false);
  const [filter, setFilter] = useState("");
  const [status, setStatus] = useState<{ status: StreamStatus; error?: unknown }>({
    status: "connecting",
  });
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const nextKey = useRef(0);
  const requestKey = JSON.stringify({ identifiers, names, tail });
  const [connection, setConnection] = useState(0);

  useEffect(() => {
    const request = JSON.parse(requestKey) as {
      identifiers: EntityIdentifiers[];
      names?: string[];
      tail: number;
    };
    void connection;
    const controller = new AbortController();
    setRows([]);
    void streamEvents(
      request,
      (event) => {
        if (pausedRef.current) return;
        const key = nextKey.current++;
        setRows((previous) => [{ key, event }, ...previous].slice(0, maxEvents));
      },
      controller.signal,
      (next, error) => setStatus({ status: next, error }),
    );
    return () => controller.abort();
  }, [requestKey, connection]);

  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return needle ? rows.filter((row) => row.event.name.toLowerCase().includes(needle)) : rows;
  }, [rows, filter]);

  return (
    <Stack gap="xs">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap="xs">
          <Badge color={paused ? "gray" : statusColor[status.status]} variant="dot">
            {paused ? "Paused" : statusText[status.status]}
          </Badge>
          <Text size="xs" c="dimmed">
            {rows.length} event{rows.length === 1 ? "" : "s"}
          </Text>
        </Group>
        <Group gap="xs" wrap="nowrap">
          <TextInput
            size="xs"
            placeholder="Filter by name"
            aria-label="Filter events by name"
            value={filter}
            onChange={(event) => setFilter(event.currentTarget.value)}
          />
          <Tooltip label={paused ? "Resume" : "Pause"}>
            <ActionIcon
              variant="default"
              aria-label={paused ? "Resume events" : "Pause events"}
              onClick={() => setPaused((value) => !value)}
            >
              {paused ? <IconPlayerPlay size={16} /> : <IconPlayerPause size={16} />}
            </ActionIcon>
          </Tooltip>
          <Tooltip label="Clear">
            <ActionIcon variant="default" aria-label="Clear events" onClick={() => setRows([])}>
              <IconTrash size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>
      {status.status === "failed" && <ErrorAlert error={status.error} title="Live data stopped" />}
      <ScrollArea h={height} type="auto" offsetScrollbars>
        <Stack gap={4}>
          {shown.map((row) => (
            <EventRow key={row.key} event={row.event} />
          ))}
          {shown.length === 0 && (
            <Text size="sm" c="dimmed" ta="center" py="xl">
              {rows.length === 0 ? "Waiting for events…" : "No events match the filter."}
            </Text>
          )}
        </Stack>
      </ScrollArea>
      {status.status === "failed" && (
        <Group>
          <Button size="xs" variant="default" onClick={() => setConnection((value) => value + 1)}>
            Reconnect
          </Button>
        </Group>
      )}
    </Stack>
  );
}

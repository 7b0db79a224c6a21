import { formatRecord } from "../output.ts";

/** An event as the stream API writes it (The Things Stack's `Event` JSON). */
export interface EventJson {
  name?: string;
  time?: string;
  identifiers?: Record<string, Record<string, unknown>>[];
  data?: Record<string, unknown>;
  correlation_ids?: string[];
  origin?: string;
}

/** How each kind of identifiers reads: `application my-app`, `device my-app/dev`, ... */
const identifierWords: Record<string, (ids: Record<string, unknown>) => string> = {
  application_ids: (ids) => `application ${String(ids.application_id)}`,
  device_ids: (ids) =>
    `device ${String((ids.application_ids as Record<string, unknown> | undefined)?.application_id)}/${String(ids.device_id)}`,
  gateway_ids: (ids) => `gateway ${String(ids.gateway_id)}`,
  organization_ids: (ids) => `organization ${String(ids.organization_id)}`,
  user_ids: (ids) => `user ${String(ids.user_id)}`,
  client_ids: (ids) => `client ${String(ids.client_id)}`,
};

/** `application my-app, device my-app/dev-1`. */
export function describeIdentifiers(identifiers: EventJson["identifiers"]): string {
  return (identifiers ?? [])
    .flatMap((entry) =>
      Object.entries(entry).map(([field, ids]) => identifierWords[field]?.(ids) ?? field),
    )
    .join(", ");
}

/**
 * One event as a block for people: its time and name, the entities, then its data as
 * aligned `path  value` lines (the `@type` left out), and a blank line after.
 */
export function formatEventBlock(event: EventJson): string {
  const head = `${event.time ?? "(no time)"}  ${event.name ?? "(unnamed)"}  ${describeIdentifiers(event.identifiers)}\n`;
  const { "@type": _type, ...data } = event.data ?? {};
  const body = Object.keys(data).length > 0 ? indent(formatRecord(data)) : "";
  return `${head}${body}\n`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => (line ? `  ${line}` : line))
    .join("\n");
}

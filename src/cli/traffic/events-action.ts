import { checkedId, endDeviceIds, type Flags, parseTimestamp } from "../arguments.ts";
import { errApi } from "../client/errors.ts";
import { authenticatedClient } from "../client/session.ts";
import type { CommandIO } from "../io.ts";
import { createPrinter } from "../output.ts";
import { parseDeviceRef, parseWhole } from "./arguments.ts";
import { errNoEntities } from "./errors.ts";
import { describeIdentifiers, type EventJson, formatEventBlock } from "./event-format.ts";
import { linesOf } from "./json-lines.ts";
import { errStreamError, errStreamLost } from "./stream-errors.ts";

/** Each entity flag and the identifiers it becomes in the request. */
const entityFlags: readonly {
  attribute: string;
  identifiers: (value: string) => Record<string, unknown>;
}[] = [
  {
    attribute: "applicationId",
    identifiers: (id) => ({
      application_ids: { application_id: checkedId("application_id", id) },
    }),
  },
  {
    attribute: "endDeviceId",
    identifiers: (value) => ({ device_ids: endDeviceIds(parseDeviceRef(value)) }),
  },
  {
    attribute: "gatewayId",
    identifiers: (id) => ({ gateway_ids: { gateway_id: checkedId("gateway_id", id) } }),
  },
  {
    attribute: "organizationId",
    identifiers: (id) => ({
      organization_ids: { organization_id: checkedId("organization_id", id) },
    }),
  },
  {
    attribute: "userId",
    identifiers: (id) => ({ user_ids: { user_id: checkedId("user_id", id) } }),
  },
  {
    attribute: "clientId",
    identifiers: (id) => ({ client_ids: { client_id: checkedId("client_id", id) } }),
  },
];

/** The `StreamEventsRequest` of the flags; usage errors before any call. */
export function streamRequest(flags: Flags): Record<string, unknown> {
  const identifiers = entityFlags.flatMap(({ attribute, identifiers }) =>
    ((flags[attribute] as string[] | undefined) ?? []).map(identifiers),
  );
  if (identifiers.length === 0) throw errNoEntities.create();
  const request: Record<string, unknown> = { identifiers };
  if (flags.tail !== undefined) request.tail = parseWhole("tail", flags.tail, 0, 1_000_000);
  if (flags.after !== undefined) request.after = parseTimestamp("after", String(flags.after));
  const names = (flags.names as string[] | undefined) ?? [];
  if (names.length > 0) request.names = names;
  return request;
}

/** Waits between reconnections: doubling from 1 s, at most 30 s. */
const reconnectDelaysMs = { first: 1000, max: 30_000 };

/**
 * `lorastack events`: `POST /events`, each result printed as it arrives (one JSON line, or a
 * block for people on a terminal). SIGINT or SIGTERM ends it cleanly (exit 0). An error line
 * from the server is an API error (exit 1); a stream that ends or breaks is `stream_lost`
 * (exit 1), or with `--reconnect` is opened again, going on after the last event's time.
 */
export async function followEvents(flags: Flags, io: CommandIO): Promise<void> {
  const request = streamRequest(flags);
  const printer = createPrinter(io, flags);
  const client = await authenticatedClient(flags, io.env);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const write = printer.json
    ? (event: EventJson) => io.stdout(`${JSON.stringify(event)}\n`)
    : (event: EventJson) => {
        if (event.name === "events.stream.start") {
          printer.note(
            `following events of ${describeIdentifiers(request.identifiers as EventJson["identifiers"])} (Ctrl-C stops)`,
          );
          return;
        }
        io.stdout(formatEventBlock(event));
      };
  let delayMs = reconnectDelaysMs.first;
  try {
    for (;;) {
      let reason: string;
      try {
        const response = await client.open("POST", "/events", {
          body: request,
          signal: stop.signal,
        });
        for await (const line of linesOf(response.body ?? emptyBody())) {
          const event = readLine(line, printer);
          if (event === undefined) continue;
          delayMs = reconnectDelaysMs.first;
          write(event);
          // Going on after a reconnection: the events after the last one seen.
          if (event.time && event.name !== "events.stream.start") {
            request.after = event.time;
            delete request.tail;
          }
        }
        reason = "the server ended it";
      } catch (error) {
        if (stop.signal.aborted) return;
        if (errApi.matches(error) || errStreamError.matches(error)) throw error;
        if (flags.reconnect !== true && !isStreamBreak(error)) throw error;
        reason = streamBreakReason(error);
      }
      if (stop.signal.aborted) return;
      if (flags.reconnect !== true) throw errStreamLost.create({ server: client.server, reason });
      printer.note(`events stream lost (${reason}); connecting again in ${delayMs / 1000} s`);
      if (!(await pause(delayMs, stop.signal))) return;
      delayMs = Math.min(delayMs * 2, reconnectDelaysMs.max);
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/**
 * One line of the stream: its event, `undefined` for a line that is not the stream's JSON
 * (said on stderr and skipped), or the server's error line thrown as the API's error.
 */
function readLine(line: string, printer: ReturnType<typeof createPrinter>): EventJson | undefined {
  let parsed: { result?: EventJson; error?: ErrorBody };
  try {
    parsed = JSON.parse(line) as typeof parsed;
  } catch {
    printer.note(`skipped a line of the stream that is not JSON: ${line.slice(0, 80)}`);
    return undefined;
  }
  if (parsed?.error !== undefined) throw streamError(parsed.error);
  if (typeof parsed?.result !== "object" || parsed.result === null) return undefined;
  return parsed.result;
}

interface ErrorBody {
  message?: string;
  details?: { namespace?: string; name?: string; correlation_id?: string }[];
}

function streamError(body: ErrorBody) {
  const detail = Array.isArray(body.details) ? body.details[0] : undefined;
  return errStreamError.create({
    message: body.message ?? "the stream ended with an error",
    error_name: detail?.namespace && detail.name ? `${detail.namespace}:${detail.name}` : "(none)",
    correlation_id: detail?.correlation_id ?? "(none)",
  });
}

/** A body read that broke (connection reset, socket closed) rather than a refused request. */
function isStreamBreak(error: unknown): boolean {
  return error instanceof TypeError || (error as { name?: string }).name === "SocketError";
}

function streamBreakReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}

/** Waits `ms`; resolves false when stopped first. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

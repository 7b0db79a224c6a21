import { apiFetch, apiUrl, errorFromResponse } from "./client";

/** The entity an event stream is about, as TTS's `EntityIdentifiers` in JSON. */
export type EntityIdentifiers =
  | { application_ids: { application_id: string } }
  | {
      device_ids: {
        device_id: string;
        application_ids: { application_id: string };
        dev_eui?: string;
        join_eui?: string;
      };
    }
  | { gateway_ids: { gateway_id: string; eui?: string } }
  | { organization_ids: { organization_id: string } }
  | { user_ids: { user_id: string } };

/** TTS's `StreamEventsRequest`. */
export interface StreamEventsRequest {
  identifiers: EntityIdentifiers[];
  /** The number of stored events to send first. */
  tail?: number;
  /** Only events after this time (RFC 3339). */
  after?: string;
  /** Event names or regular expressions (`/^as\.up\./`). */
  names?: string[];
}

/** One event as the stream sends it. */
export interface StreamEvent {
  name: string;
  time: string;
  identifiers?: Record<string, unknown>[];
  data?: Record<string, unknown> & { "@type"?: string };
  correlation_ids?: string[];
  origin?: string;
  context?: Record<string, unknown>;
  visibility?: unknown;
  unique_id?: string;
  [field: string]: unknown;
}

/** How the stream is doing, for a status line. */
export type StreamStatus = "connecting" | "live" | "reconnecting" | "failed";

const retryDelaysMs = [1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * Streams events (`POST /api/v3/events`, JSON lines of `{"result": event}`) until `signal`
 * aborts, reconnecting after a failure (continuing after the last event seen). A refused
 * request (no rights, bad request) stops the stream: `onStatus("failed", error)`.
 */
export async function streamEvents(
  request: StreamEventsRequest,
  onEvent: (event: StreamEvent) => void,
  signal: AbortSignal,
  onStatus?: (status: StreamStatus, error?: unknown) => void,
): Promise<void> {
  let after = request.after;
  let attempt = 0;
  while (!signal.aborted) {
    onStatus?.(attempt === 0 ? "connecting" : "reconnecting");
    try {
      const body: StreamEventsRequest = after
        ? { ...request, after, tail: 0 }
        : { ...request, ...(request.tail === undefined ? {} : { tail: request.tail }) };
      const response = await apiFetch("POST", apiUrl("/events"), body, signal);
      if (!response.ok) {
        const error = await errorFromResponse(response);
        if (response.status >= 400 && response.status < 500 && response.status !== 429) {
          onStatus?.("failed", error);
          return;
        }
        throw error;
      }
      if (!response.body) throw new Error("The event stream has no body.");
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      onStatus?.("live");
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        attempt = 0;
        buffer += value;
        let newline = buffer.indexOf("\n");
        while (newline >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          newline = buffer.indexOf("\n");
          const event = parseLine(line);
          if (!event) continue;
          if (event.time) after = event.time;
          onEvent(event);
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      if (attempt >= retryDelaysMs.length * 4) {
        onStatus?.("failed", error);
        return;
      }
    }
    if (signal.aborted) return;
    const delay = retryDelaysMs[Math.min(attempt, retryDelaysMs.length - 1)] ?? 30_000;
    attempt += 1;
    onStatus?.("reconnecting");
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}

/** One line of the stream: `{"result": event}`; anything else (an error line, noise) is skipped. */
export function parseLine(line: string): StreamEvent | undefined {
  if (!line) return undefined;
  try {
    const message = JSON.parse(line) as { result?: StreamEvent };
    const event = message.result;
    return event && typeof event.name === "string" ? event : undefined;
  } catch {
    return undefined;
  }
}

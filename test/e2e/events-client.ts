/**
 * What the events end-to-end tests share: an Identity Server database with an admin and its
 * key, a JSON API client, and a reader of `POST /api/v3/events` streams.
 */
import type { LorastackProcess } from "../harness/lorastack-process.ts";
import { type Json, rest } from "../harness/rest-client.ts";

export { initialize, keyOf, lorastackCommand } from "../harness/identity-admin.ts";

export type { Json } from "../harness/rest-client.ts";

/** A JSON client of `/api/v3` with a key (every request says it is JSON). */
export function apiOf(stack: LorastackProcess, key: string) {
  return (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    rest(stack.httpUrl, method, path, {
      key,
      body,
      headers: { "content-type": "application/json", ...headers },
    });
}

/** A stream of `POST /api/v3/events`: its status, headers and a reader of its JSON lines. */
export interface EventStream {
  status: number;
  headers: Headers;
  /** The next JSON line; rejects once the stream ended without one. */
  next(): Promise<Json>;
  close(): void;
}

/** `POST /api/v3/events` with a key. */
export async function openStream(
  stack: LorastackProcess,
  key: string | undefined,
  request: unknown,
): Promise<EventStream> {
  const abort = new AbortController();
  const response = await fetch(`${stack.httpUrl}/api/v3/events`, {
    method: "POST",
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      "content-type": "application/json",
    },
    body: JSON.stringify(request),
    signal: abort.signal,
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  const next = async (): Promise<Json> => {
    for (;;) {
      const newline = buffered.indexOf("\n");
      if (newline >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) return JSON.parse(line) as Json;
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error("stream ended");
      buffered += decoder.decode(value, { stream: true });
    }
  };
  return { status: response.status, headers: response.headers, next, close: () => abort.abort() };
}

/** The promise's value, or a rejection once `ms` passed (so that a test fails, not hangs). */
export function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export const appA = { application_ids: { application_id: "app-a" } };

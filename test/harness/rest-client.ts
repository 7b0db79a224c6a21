/**
 * A JSON client of a process's REST API (`/api/v3`), as the end-to-end tests call it: the
 * answer's status, headers and parsed JSON, and a variant that requires 200.
 */
import assert from "node:assert/strict";

/** JSON answers: the assertions check their shape. */
// biome-ignore lint/suspicious/noExplicitAny: the assertions check the shape
export type Json = Record<string, any>;

export interface RestAnswer {
  status: number;
  headers: Headers;
  json: Json;
}

export interface RestOptions {
  /** An API key or token, sent as `Bearer`; none: an anonymous call. */
  key?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** `method` of `<httpUrl>/api/v3<path>`. */
export async function rest(
  httpUrl: string,
  method: string,
  path: string,
  options: RestOptions = {},
): Promise<RestAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${httpUrl}/api/v3${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: (text ? JSON.parse(text) : {}) as Json,
  };
}

/** {@link rest} that must answer 200 (the message names the call and the answer): its JSON. */
export async function restOk(
  httpUrl: string,
  method: string,
  path: string,
  options: RestOptions = {},
): Promise<Json> {
  const answer = await rest(httpUrl, method, path, options);
  assert.equal(answer.status, 200, `${method} ${path}: ${JSON.stringify(answer.json)}`);
  return answer.json;
}

import { accessToken, tokenRejected } from "../auth/session";

/** A query string's values: lists are joined with commas (`field_mask=a,b`). */
export type Query = Record<
  string,
  string | number | boolean | readonly string[] | undefined | null
>;

/** One entry of an API error's `details`, as The Things Stack writes it. */
interface ErrorDetails {
  namespace?: string;
  name?: string;
  message_format?: string;
  attributes?: Record<string, unknown>;
  correlation_id?: string;
  code?: number;
}

/** An error answer of the API (or a failure to reach it: `status` 0). */
export class ApiError extends Error {
  /** The HTTP status; 0 when the request did not get an answer. */
  readonly status: number;
  /** The gRPC status code of the error body (2, unknown, without one). */
  readonly code: number;
  /** The Things Stack's error name, such as `already_exists` or `not_found`. */
  override readonly name: string;
  readonly namespace: string;
  readonly correlationId: string | undefined;
  readonly details: unknown[];

  constructor(fields: {
    status: number;
    code: number;
    name: string;
    namespace: string;
    message: string;
    correlationId?: string | undefined;
    details?: unknown[];
  }) {
    super(fields.message);
    this.status = fields.status;
    this.code = fields.code;
    this.name = fields.name;
    this.namespace = fields.namespace;
    this.correlationId = fields.correlationId;
    this.details = fields.details ?? [];
  }
}

/** The path and query as a URL under `/api/v3`. */
export function apiUrl(path: string, query?: Query): string {
  if (!path.startsWith("/")) throw new Error(`API path must start with "/": ${path}`);
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    search.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  const text = search.toString();
  return `/api/v3${path}${text ? `?${text}` : ""}`;
}

/** The error an answer with a non-2xx status stands for, from TTS's JSON error body. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const object = (typeof body === "object" && body !== null ? body : {}) as {
    code?: unknown;
    message?: unknown;
    details?: unknown;
  };
  const details = Array.isArray(object.details) ? (object.details as unknown[]) : [];
  const first = (details.find((detail) => typeof detail === "object" && detail !== null) ??
    {}) as ErrorDetails;
  const message =
    typeof object.message === "string" && object.message
      ? object.message
      : `${response.status} ${response.statusText || "error"}`.trim();
  return new ApiError({
    status: response.status,
    code: typeof object.code === "number" ? object.code : 2,
    name: first.name ?? httpErrorName(response.status),
    namespace: first.namespace ?? "",
    message,
    correlationId: first.correlation_id ?? response.headers.get("x-request-id") ?? undefined,
    details,
  });
}

function httpErrorName(status: number): string {
  if (status === 400) return "invalid_argument";
  if (status === 401) return "unauthenticated";
  if (status === 403) return "permission_denied";
  if (status === 404) return "not_found";
  if (status === 409) return "already_exists";
  if (status === 429) return "resource_exhausted";
  if (status >= 500) return "unavailable";
  return "unknown";
}

/**
 * Sends a request with the signed-in user's access token: one retry with a fresh token when
 * the server says the token is not (or no longer) valid.
 */
export async function apiFetch(
  method: string,
  url: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<Response> {
  const send = async (token: string) => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      accept: "application/json",
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    try {
      return await fetch(url, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: signal ?? null,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError({
        status: 0,
        code: 14,
        name: "unavailable",
        namespace: "console",
        message: "The server cannot be reached. Check your connection and try again.",
      });
    }
  };
  let response = await send(await accessToken());
  if (response.status === 401) {
    response = await send(await tokenRejected());
  }
  return response;
}

async function request<T>(method: string, path: string, query?: Query, body?: unknown): Promise<T> {
  const response = await apiFetch(method, apiUrl(path, query), body);
  if (!response.ok) throw await errorFromResponse(response);
  const text = await response.text();
  return (text ? JSON.parse(text) : {}) as T;
}

/** The REST API (`/api/v3`), JSON in and out, as the signed-in user. */
export const api = {
  get: <T>(path: string, query?: Query) => request<T>("GET", path, query),
  post: <T>(path: string, body?: unknown) => request<T>("POST", path, undefined, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>("PUT", path, undefined, body ?? {}),
  patch: <T>(path: string, body?: unknown) => request<T>("PATCH", path, undefined, body ?? {}),
  del: <T>(path: string) => request<T>("DELETE", path),
};

/** A human sentence for any error. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    // TTS's messages read `error:<namespace>:<name> (<message>)`: the human part is inside.
    const message = /^error:\S+ \((.*)\)$/s.exec(error.message)?.[1] ?? error.message;
    const sentence = message ? message.charAt(0).toUpperCase() + message.slice(1) : "";
    if (error.status === 0) return sentence;
    if (error.status === 403 && !sentence) return "You do not have the rights to do this.";
    return sentence || `The request failed (${error.status}).`;
  }
  if (error instanceof Error && error.message) return error.message;
  if (typeof error === "string" && error) return error;
  return "Something went wrong.";
}

import { errApi, errUnexpectedAnswer, errUnreachable } from "./errors.ts";

/** Query parameters; `undefined` values are left out, lists joined with commas. */
export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

export interface CallOptions {
  query?: Query;
  body?: unknown;
  /** Ends the request (and the reading of its body) when aborted. */
  signal?: AbortSignal;
}

/** An answer's JSON and, for lists, the `x-total-count` header. */
export interface Answer<T> {
  json: T;
  totalCount?: number;
}

/** A client of one server's REST API (`<server>/api/v3`) with one bearer token. */
export interface ApiClient {
  readonly server: string;
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options?: CallOptions,
  ): Promise<Answer<T>>;
  /**
   * The same request as {@link call}, with the same errors for a failed answer, but the
   * answer's body left unread: for streams (`POST /events`) and bodies that are not ours to
   * reformat (`global_conf.json`).
   */
  open(method: string, path: string, options?: CallOptions): Promise<Response>;
}

/**
 * The client. Error answers become `cli/client:api_error` with the API's message, the error's
 * `namespace:name` and the correlation id; an answer that is not TTS's error JSON becomes
 * `unexpected_answer` with the start of the body; no connection becomes `server_unreachable`.
 */
export function createApiClient(options: {
  server: string;
  token?: string;
  fetch?: typeof fetch;
}): ApiClient {
  const doFetch = options.fetch ?? fetch;
  const base = options.server.replace(/\/+$/, "");
  const unreachable = (error: unknown) => {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return errUnreachable.create(
      { server: options.server, reason: cause?.code ?? cause?.message ?? String(error) },
      error,
    );
  };
  const send = async (method: string, path: string, callOptions: CallOptions) => {
    const url = `${base}/api/v3${path}${queryString(callOptions.query)}`;
    const headers: Record<string, string> = { accept: "application/json" };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (callOptions.body !== undefined) headers["content-type"] = "application/json";
    try {
      return await doFetch(url, {
        method,
        headers,
        ...(callOptions.body === undefined ? {} : { body: JSON.stringify(callOptions.body) }),
        ...(callOptions.signal ? { signal: callOptions.signal } : {}),
      });
    } catch (error) {
      throw unreachable(error);
    }
  };
  return {
    server: options.server,
    async call<T>(method: string, path: string, callOptions: CallOptions = {}) {
      const response = await send(method, path, callOptions);
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        throw unreachable(error);
      }
      const json = parseJson(text);
      if (!response.ok) throw answerError(method, path, response.status, text, json);
      const total = response.headers.get("x-total-count");
      return {
        json: (json ?? {}) as T,
        ...(total !== null && /^\d+$/.test(total) ? { totalCount: Number(total) } : {}),
      };
    },
    async open(method: string, path: string, callOptions: CallOptions = {}) {
      const response = await send(method, path, callOptions);
      if (response.ok) return response;
      let text = "";
      try {
        text = await response.text();
      } catch (error) {
        throw unreachable(error);
      }
      // A stream's early error is one `{"error": {...}}` line: the error body inside it.
      const json = parseJson(text.trim().split("\n")[0] ?? "");
      const error = (json as { error?: unknown } | undefined)?.error ?? json;
      throw answerError(method, path, response.status, text, error);
    },
  };
}

function queryString(query: Query | undefined): string {
  if (query === undefined) return "";
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    parameters.set(name, Array.isArray(value) ? value.join(",") : String(value));
  }
  const text = parameters.toString();
  return text ? `?${text}` : "";
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

interface ErrorJson {
  code?: number;
  message?: string;
  details?: { namespace?: string; name?: string; correlation_id?: string }[];
}

function answerError(method: string, path: string, status: number, text: string, json: unknown) {
  const body = json as ErrorJson | undefined;
  if (typeof body?.message !== "string") {
    return errUnexpectedAnswer.create({
      method,
      path,
      status,
      body: text.slice(0, 300) || "(empty)",
    });
  }
  const detail = Array.isArray(body.details) ? body.details[0] : undefined;
  const name =
    detail?.namespace && detail.name ? `${detail.namespace}:${detail.name}` : `HTTP ${status}`;
  return errApi.create({
    message: body.message,
    error_name: name,
    correlation_id: detail?.correlation_id ?? "(none)",
    status,
    namespace: detail?.namespace,
    name: detail?.name,
  });
}

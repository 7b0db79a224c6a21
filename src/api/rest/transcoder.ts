/**
 * The REST transcoder: one generic Fastify component that serves the RPC methods of the given
 * services under `/api/v3` according to their `google.api.http` annotations. No per-route
 * code: each binding becomes a Fastify route whose handler builds the request message from
 * path variables, body and query string, calls the service implementation with a Connect
 * `HandlerContext`, and writes the response as The Things Stack's JSON.
 *
 * Server-streaming methods answer as The Things Stack's gateway does for `POST /api/v3/events`:
 * a chunked body of one JSON object per message, `{"result": <message>}`, each followed by a
 * newline (`Content-Type: application/json`), or by a blank line when the client sends
 * `Accept: text/event-stream` (then `Content-Type: text/event-stream`). An error ends the stream
 * with `{"error": <error body>}`; if no message was sent yet, with the error's HTTP status.
 * The status and headers wait for the first message or error.
 *
 * Streams respect backpressure: after a write that fills the response's buffer, the next
 * message is taken from the implementation only once the socket drained, so a client that reads
 * slowly holds back the implementation instead of growing the process. A client that reads
 * nothing for `stream.stallTimeoutMs` is given up on: the implementation is stopped, the stream
 * ends with a `consumer_stalled` error line (read when the client reads again), and the
 * connection is cut if even that is not taken within the same time.
 *
 * Request JSON is read as The Things Stack reads it (json.ts): body fields and query
 * parameters that the request message does not have are skipped, and logged at debug level
 * on the request's logger, which carries its correlation id.
 */
import { PassThrough } from "node:stream";
import {
  create,
  type DescMessage,
  type DescService,
  isMessage,
  type JsonObject,
  type JsonValue,
  type Message,
} from "@bufbuild/protobuf";
import {
  type ContextValues,
  createHandlerContext,
  type HandlerContext,
  type ServiceImpl,
} from "@connectrpc/connect";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { checkFieldMasks } from "../field-paths.ts";
import { errConsumerStalled, errInvalidFieldValue, errNotImplemented } from "./errors.ts";
import { type HttpMethod, type RestBinding, serviceBindings } from "./http-rules.ts";
import {
  encodeFieldOf,
  type JsonOptions,
  messageFromJson,
  messageToJson,
  parseJson,
} from "./json.ts";
import { toFastifyPath, toOpenApiPath } from "./path-template.ts";
import { queryToJson, setJsonAtPath, textToJson } from "./request-fields.ts";

/** A service and its implementation (methods keyed by their local name, as in Connect). */
export interface RestService {
  service: DescService;
  implementation: object;
}

/** Pairs a service with a type-checked (possibly partial) implementation. */
export function restService<S extends DescService>(
  service: S,
  implementation: Partial<ServiceImpl<S>>,
): RestService {
  return { service, implementation };
}

/** What an error becomes on the wire: the caller maps errors once, for every transport. */
export interface RestErrorResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RestRoutesOptions {
  /** Mount point, e.g. `/api/v3`. */
  prefix: string;
  services: RestService[];
  /** Per-request Connect context values (the caller's auth or logging may read them). */
  contextValues?: (request: FastifyRequest) => ContextValues;
  /**
   * Maps any error to a response: errors of the implementation, typed `api/rest` errors for
   * bad requests, and Fastify's own errors before the handler runs (they carry `statusCode`,
   * e.g. 413 for a body over the limit). `request` is the request that failed.
   */
  onError: (error: unknown, request: FastifyRequest) => RestErrorResponse;
  json?: JsonOptions;
  stream?: {
    /** How long a streaming response may stay undrained before it is ended; default 30 s. */
    stallTimeoutMs?: number;
  };
}

/** One route of the routing table. */
export interface RestRoute {
  httpMethod: HttpMethod;
  /** The path template with the prefix: `/api/v3/applications/{application_ids.application_id}`. */
  path: string;
  /** The Fastify route URL: `/api/v3/applications/:p1`. */
  url: string;
  /** `ttn.lorawan.v3.ApplicationRegistry`. */
  service: string;
  /** `Get` (the proto name of the method). */
  method: string;
  body: string;
  responseBody: string;
  streaming: boolean;
  binding: RestBinding;
}

/** The routing table for the services, in declaration order. */
export function listRestRoutes(services: readonly RestService[], prefix = ""): RestRoute[] {
  return services.flatMap(({ service }) =>
    serviceBindings(service).map((binding) => ({
      httpMethod: binding.httpMethod,
      path: toOpenApiPath(binding.path, prefix),
      url: toFastifyPath(binding.path, prefix).url,
      service: service.typeName,
      method: binding.method.name,
      body: binding.body,
      responseBody: binding.responseField?.name ?? "",
      streaming: binding.method.methodKind === "server_streaming",
      binding,
    })),
  );
}

/**
 * Registers a route for every HTTP binding of the services, in an encapsulated Fastify scope
 * (its body parser reads every content type as text, so that malformed JSON is our typed
 * error). Returns the routing table.
 */
export function registerRestRoutes(app: FastifyInstance, options: RestRoutesOptions): RestRoute[] {
  const routes = listRestRoutes(options.services, options.prefix);
  const implementations = new Map(options.services.map((s) => [s.service, s.implementation]));
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => {
      done(null, body);
    });
    scope.setErrorHandler((error, request, reply) =>
      sendError(reply, options.onError(error, request)),
    );
    for (const route of routes) {
      const fastifyPath = toFastifyPath(route.binding.path, options.prefix);
      const implementation = implementations.get(route.binding.service) as Record<string, unknown>;
      scope.route({
        method: route.httpMethod,
        url: fastifyPath.url,
        handler: async (request, reply) => {
          const onError = (error: unknown) => options.onError(error, request);
          const call = { route, request, reply, options: { ...options, onError }, implementation };
          const variables = fastifyPath.variables(request.params as Record<string, string>);
          return route.streaming ? serveStream(call, variables) : serveUnary(call, variables);
        },
      });
    }
  });
  return routes;
}

interface Call {
  route: RestRoute;
  request: FastifyRequest;
  reply: FastifyReply;
  /** The routes' options, with `onError` bound to this request. */
  options: Omit<RestRoutesOptions, "onError"> & { onError: (error: unknown) => RestErrorResponse };
  implementation: Record<string, unknown>;
}

type Handler = (request: Message, context: HandlerContext) => unknown;

async function serveUnary(call: Call, variables: Map<string, string>): Promise<FastifyReply> {
  const { route, reply, options } = call;
  const { method, responseField } = route.binding;
  try {
    const handler = findHandler(call);
    const input = buildRequest(call, variables);
    const context = handlerContext(call);
    const result = await handler(input, context);
    const output = toMessage(method.output, result);
    const json = responseField
      ? encodeFieldOf(method.output, output, responseField, options.json)
      : messageToJson(method.output, output, options.json);
    copyHeaders(context.responseHeader, reply);
    return reply.code(200).type("application/json").send(JSON.stringify(json));
  } catch (error) {
    return sendError(reply, options.onError(error));
  }
}

async function serveStream(call: Call, variables: Map<string, string>): Promise<FastifyReply> {
  const { route, request, reply, options } = call;
  const { method } = route.binding;
  const eventStream = request.headers.accept?.includes("text/event-stream") === true;
  const delimiter = eventStream ? "\n\n" : "\n";
  const contentType = eventStream ? "text/event-stream" : "application/json";
  const frame = (json: JsonObject) => `${JSON.stringify(json)}${delimiter}`;
  const result = (message: unknown): JsonValue => {
    const output = toMessage(method.output, message);
    return messageToJson(method.output, output, options.json);
  };
  let iterator: AsyncIterator<unknown>;
  let first: IteratorResult<unknown>;
  // The response's "close" (not the request's, which fires once the body is read) tells that
  // the client went away; the implementation sees it as context.signal.
  const abort = new AbortController();
  reply.raw.once("close", () => abort.abort());
  let context: HandlerContext;
  try {
    const handler = findHandler(call);
    const input = buildRequest(call, variables);
    context = handlerContext(call, abort.signal);
    iterator = (handler(input, context) as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    first = await iterator.next();
  } catch (error) {
    const response = options.onError(error);
    reply
      .code(response.status)
      .headers(response.headers ?? {})
      .type(contentType);
    return reply.send(frame({ error: response.body as JsonValue }));
  }
  const body = new PassThrough();
  copyHeaders(context.responseHeader, reply);
  reply.code(200).type(contentType).send(body);
  const stallTimeoutMs = options.stream?.stallTimeoutMs ?? defaultStallTimeoutMs;
  void (async () => {
    let stalled = false;
    try {
      for (let next = first; !next.done; next = await iterator.next()) {
        if (abort.signal.aborted) break;
        if (body.write(frame({ result: result(next.value) }))) continue;
        const outcome = await drained(body, abort.signal, stallTimeoutMs);
        if (outcome === "stalled") stalled = true;
        if (outcome !== "drained") break;
      }
    } catch (error) {
      if (!abort.signal.aborted)
        body.write(frame({ error: options.onError(error).body as JsonValue }));
    } finally {
      // Let a generator run its own cleanup; its failure there has nobody left to tell.
      if (abort.signal.aborted || stalled)
        await Promise.resolve(iterator.return?.()).catch(() => undefined);
      if (stalled) {
        const error = errConsumerStalled.create({ timeout: `${stallTimeoutMs} ms` });
        body.write(frame({ error: options.onError(error).body as JsonValue }));
      }
      // The last lines wait in full buffers for a client that may never read them.
      if (body.writableNeedDrain) cutIfNotTaken(reply, stallTimeoutMs);
      body.end();
    }
  })();
  return reply;
}

const defaultStallTimeoutMs = 30_000;

/**
 * Waits until a stream that refused a write drains, the client goes away, or `timeoutMs`
 * passes without the client reading.
 */
function drained(
  stream: PassThrough,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<"drained" | "closed" | "stalled"> {
  if (signal.aborted) return Promise.resolve("closed");
  return new Promise((resolve) => {
    const finish = (outcome: "drained" | "closed" | "stalled") => {
      clearTimeout(timer);
      stream.off("drain", onDrain);
      signal.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    const onDrain = () => finish("drained");
    const onAbort = () => finish("closed");
    const timer = setTimeout(() => finish("stalled"), timeoutMs);
    stream.once("drain", onDrain);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Destroys the connection of a response that is still not taken after `timeoutMs`. */
function cutIfNotTaken(reply: FastifyReply, timeoutMs: number): void {
  const response = reply.raw;
  const timer = setTimeout(() => response.destroy(), timeoutMs);
  timer.unref();
  response.once("close", () => clearTimeout(timer));
}

function findHandler(call: Call): Handler {
  const { method } = call.route.binding;
  const handler = call.implementation[method.localName];
  if (typeof handler !== "function") {
    throw errNotImplemented.create({ method: `/${method.parent.typeName}/${method.name}` });
  }
  return handler.bind(call.implementation) as Handler;
}

/**
 * Body, then query string, then path variables (which win), decoded in one pass. Unknown body
 * fields and query parameters are skipped and logged at debug level. Field mask paths must be
 * fields of the message they select from (field-paths.ts).
 */
function buildRequest(call: Call, variables: Map<string, string>): Message {
  const { binding } = call.route;
  const schema = binding.method.input;
  const unknownFields: string[] = [];
  const unknownParameters: string[] = [];
  try {
    let tree: JsonObject = {};
    if (binding.body !== "") {
      const text = typeof call.request.body === "string" ? call.request.body.trim() : "";
      const body = text === "" ? null : parseJson(text);
      if (binding.body === "*") {
        if (body !== null && (typeof body !== "object" || Array.isArray(body))) {
          throw errInvalidFieldValue.create({ field: "(body)", reason: "expected a JSON object" });
        }
        tree = body ?? {};
      } else if (body !== null && binding.bodyField !== undefined) {
        tree[binding.bodyField.name] = body;
      }
    }
    if (binding.body !== "*") {
      const bound = [...binding.pathFields.keys()];
      if (binding.bodyField !== undefined) bound.push(binding.bodyField.name);
      const skip = (path: string) => bound.some((b) => path === b || path.startsWith(`${b}.`));
      const query = new URLSearchParams(call.request.url.split("?")[1] ?? "");
      const unknown = (parameter: string) => unknownParameters.push(parameter);
      mergeJson(tree, queryToJson(schema, query, skip, unknown));
    }
    for (const [path, fields] of binding.pathFields) {
      const last = fields.at(-1);
      if (last !== undefined)
        setJsonAtPath(tree, fields, textToJson(last, variables.get(path) ?? ""));
    }
    const request = messageFromJson(schema, tree, {
      ...call.options.json,
      onUnknownField: (path) => unknownFields.push(path),
    });
    checkFieldMasks(binding.method, request);
    return request;
  } finally {
    // Logged also when the request turns out invalid: the unknown field may be the cause.
    if (unknownFields.length > 0 || unknownParameters.length > 0) {
      call.request.log.debug(
        {
          method: `/${binding.method.parent.typeName}/${binding.method.name}`,
          unknown_fields: unknownFields,
          unknown_query_parameters: unknownParameters,
        },
        "ignored unknown request fields",
      );
    }
  }
}

function mergeJson(target: JsonObject, source: JsonObject): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    const bothObjects = [existing, value].every(
      (v) => typeof v === "object" && v !== null && !Array.isArray(v),
    );
    if (bothObjects) mergeJson(existing as JsonObject, value as JsonObject);
    else target[key] = value;
  }
}

function handlerContext(call: Call, signal?: AbortSignal): HandlerContext {
  const { request, route, options } = call;
  const requestHeader = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (Array.isArray(value)) for (const item of value) requestHeader.append(name, item);
    else if (value !== undefined) requestHeader.set(name, value);
  }
  return createHandlerContext({
    service: route.binding.service,
    method: route.binding.method,
    protocolName: "rest",
    requestMethod: request.method,
    url: `${request.protocol}://${request.host}${request.url}`,
    requestHeader,
    requestSignal: signal,
    contextValues: options.contextValues?.(request),
  });
}

function toMessage(schema: DescMessage, value: unknown): Message {
  if (isMessage(value, schema)) return value;
  return create(schema, (value ?? {}) as never);
}

function copyHeaders(headers: Headers, reply: FastifyReply): void {
  for (const [name, value] of headers) reply.header(name, value);
}

function sendError(reply: FastifyReply, response: RestErrorResponse): FastifyReply {
  return reply
    .code(response.status)
    .headers(response.headers ?? {})
    .type("application/json")
    .send(JSON.stringify(response.body));
}

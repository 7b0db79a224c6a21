import {
  create,
  type DescMessage,
  type DescMethod,
  type DescMethodStreaming,
  type DescMethodUnary,
  isMessage,
  type MessageInitShape,
  type MessageShape,
} from "@bufbuild/protobuf";
import {
  type ContextValues,
  createContextValues,
  createHandlerContext,
  type StreamResponse,
  type Transport,
  type UnaryResponse,
} from "@connectrpc/connect";
import { peerCallKey } from "../../api/cluster-keys.ts";
import type { ApiRegistry } from "../../api/registry.ts";
import {
  errCallCancelled,
  errCallDeadline,
  errMethodNotImplemented,
  errServiceNotServed,
} from "./errors.ts";

/** What a transport accepts as request headers. */
type HeaderValues = ConstructorParameters<typeof Headers>[0];

type Implementation = (
  request: unknown,
  context: ReturnType<typeof createHandlerContext>,
) => unknown;

/**
 * A Connect transport that calls the implementations registered in this process directly:
 * no encoding, the request message handed over as it is (the callee must not change it), the
 * headers, abort signal and deadline passed on in the handler context, which marks the call as
 * one from an authenticated peer. Errors come back as the implementation threw them, so a
 * defined error is the same object. Unary and all three streaming kinds; a stream ends early
 * when the caller aborts its signal.
 */
export function createLocalTransport(registry: ApiRegistry): Transport {
  return {
    async unary<I extends DescMessage, O extends DescMessage>(
      method: DescMethodUnary<I, O>,
      signal: AbortSignal | undefined,
      timeoutMs: number | undefined,
      header: HeaderValues | undefined,
      input: MessageInitShape<I>,
      contextValues?: ContextValues,
    ): Promise<UnaryResponse<I, O>> {
      const implementation = implementationOf(registry, method);
      const context = handlerContext(method, signal, timeoutMs, header, contextValues);
      try {
        const output = await untilAborted(
          Promise.resolve(implementation(create(method.input, input), context)),
          context.signal,
          () => abortError(method, signal),
        );
        return {
          stream: false,
          service: method.parent,
          method,
          header: context.responseHeader,
          trailer: context.responseTrailer,
          message: asMessage(method.output, output),
        };
      } finally {
        // As a server does when a call completes: anything the handler started on the
        // signal stops.
        context.abort(callCompleted);
      }
    },

    async stream<I extends DescMessage, O extends DescMessage>(
      method: DescMethodStreaming<I, O>,
      signal: AbortSignal | undefined,
      timeoutMs: number | undefined,
      header: HeaderValues | undefined,
      input: AsyncIterable<MessageInitShape<I>>,
      contextValues?: ContextValues,
    ): Promise<StreamResponse<I, O>> {
      const implementation = implementationOf(registry, method);
      const context = handlerContext(method, signal, timeoutMs, header, contextValues);
      const requests = mapIterable(input, (message) => create(method.input, message));
      let outputs: AsyncIterable<unknown>;
      try {
        outputs = await startStream(method, implementation, requests, context);
      } catch (error) {
        context.abort(callCompleted);
        throw error;
      }
      const messages = abortable(outputs, context.signal, () => abortError(method, signal));
      return {
        stream: true,
        service: method.parent,
        method,
        header: context.responseHeader,
        trailer: context.responseTrailer,
        message: (async function* () {
          try {
            for await (const message of messages) yield asMessage(method.output, message);
          } finally {
            context.abort(callCompleted);
          }
        })(),
      };
    },
  };
}

/**
 * The reason the context of a completed call is aborted with (what a handler still waiting on
 * the signal sees); one object, not an exception with a stack trace per call.
 */
const callCompleted = Object.freeze({ name: "CallCompleted", message: "the call completed" });

function implementationOf(registry: ApiRegistry, method: DescMethod): Implementation {
  const registration = registry.find(method.parent.typeName);
  if (!registration) throw errServiceNotServed.create({ service: method.parent.typeName });
  const implementation = (registration.implementation as Record<string, unknown>)[method.localName];
  if (typeof implementation !== "function")
    throw errMethodNotImplemented.create({ method: `/${method.parent.typeName}/${method.name}` });
  return implementation.bind(registration.implementation) as Implementation;
}

function handlerContext(
  method: DescMethod,
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
  header: HeaderValues | undefined,
  contextValues: ContextValues | undefined,
) {
  const context = createHandlerContext({
    service: method.parent,
    method,
    protocolName: "in-process",
    requestMethod: "POST",
    url: `in-process:///${method.parent.typeName}/${method.name}`,
    timeoutMs,
    requestSignal: signal,
    requestHeader: header,
    contextValues: contextValues ?? createContextValues(),
  });
  // A call from within the process comes from a component of this instance.
  context.values.set(peerCallKey, true);
  return context;
}

async function startStream(
  method: DescMethodStreaming,
  implementation: Implementation,
  requests: AsyncIterable<unknown>,
  context: ReturnType<typeof createHandlerContext>,
): Promise<AsyncIterable<unknown>> {
  switch (method.methodKind) {
    case "server_streaming": {
      const iterator = requests[Symbol.asyncIterator]();
      const first = await iterator.next();
      await iterator.return?.();
      const request = first.done ? create(method.input) : first.value;
      return implementation(request, context) as AsyncIterable<unknown>;
    }
    case "client_streaming":
      return (async function* () {
        yield await (implementation(requests, context) as Promise<unknown>);
      })();
    case "bidi_streaming":
      return implementation(requests, context) as AsyncIterable<unknown>;
  }
}

function asMessage<O extends DescMessage>(schema: O, value: unknown): MessageShape<O> {
  if (isMessage(value, schema)) return value;
  return create(schema, (value ?? {}) as MessageInitShape<O>);
}

async function* mapIterable<T, U>(source: AsyncIterable<T>, map: (item: T) => U) {
  for await (const item of source) yield map(item);
}

/** The error of a call whose context signal fired: the caller cancelled, or the deadline passed. */
function abortError(method: DescMethod, callerSignal: AbortSignal | undefined): Error {
  const attributes = { method: `/${method.parent.typeName}/${method.name}` };
  return callerSignal?.aborted
    ? errCallCancelled.create(attributes, callerSignal.reason)
    : errCallDeadline.create(attributes);
}

/** The promise, or the abort error as soon as the signal fires, whichever comes first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, error: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(error());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(error());
    signal.addEventListener("abort", onAbort, { once: true });
    // The listener goes as soon as the call settles: the context is aborted right after a
    // completed call, which must not build an abort error nobody reads.
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (reason: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(reason);
      },
    );
  });
}

/**
 * The messages of a stream until the signal fires: then the pending read fails with the abort
 * error and the implementation's iterator is returned, so that it releases what it holds even
 * if it never looks at the signal.
 */
async function* abortable<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal,
  error: () => Error,
): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    while (true) {
      const next = await untilAborted(iterator.next(), signal, error);
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // Not awaited: an implementation stuck in a read would hold up the caller's cleanup.
    if (!finished) void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}

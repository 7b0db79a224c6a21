import type {
  DescMessage,
  DescMethod,
  DescMethodStreaming,
  DescMethodUnary,
  MessageInitShape,
} from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ContextValues,
  type Interceptor,
  type StreamResponse,
  type Transport,
  type UnaryResponse,
} from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { clusterKeyHeader } from "../../api/cluster-keys.ts";
import { errorFromConnect } from "../../api/errors.ts";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { formatHostPort, type PeerAddress } from "./address.ts";
import { errCallCancelled, errCallDeadline, errPeerUnavailable } from "./errors.ts";
import type { PeerResolver, PeerTarget } from "./resolver.ts";

/** What a transport accepts as request headers. */
type HeaderValues = ConstructorParameters<typeof Headers>[0];

export interface RemoteTransportOptions {
  /** Who the peer is, for errors: `Identity Server`, or `peer` for an explicit address. */
  peer: string;
  address: PeerAddress;
  /** The DNS SRV service of the peer's role (`ttn-v3-is-grpc`), for a domain address. */
  srvService?: string;
  resolver: PeerResolver;
  /** Dial with TLS (`cluster.tls`), trusting `ca` when given, the system's CAs otherwise. */
  tls: boolean;
  ca?: Buffer | undefined;
  /** The cluster key every call carries, in hexadecimal. */
  clusterKey: string;
  /** How long a target that refused a connection is passed over for the next. Default 10 s. */
  failoverMs?: number;
  /** Connections without calls for this long are closed. Default 5 min. */
  idleConnectionTimeoutMs?: number;
  now?: () => number;
}

interface Connection {
  transport: Transport;
  sessions: Http2SessionManager;
}

/**
 * A Connect gRPC client transport to a peer in another process (HTTP/2, TLS when configured),
 * that carries the cluster key on every call. The target is found per call: the configured
 * `host:port`, or the DNS SRV targets of the domain in priority and weight order, passing over
 * one that recently failed to connect. Errors come back as defined errors: the peer's own
 * (from the `ErrorDetails` in the status), `peer_unavailable` when it cannot be found or
 * reached, `call_deadline_exceeded` and `call_cancelled`.
 */
export class RemoteTransport implements Transport {
  readonly #options: RemoteTransportOptions;
  readonly #connections = new Map<string, Connection>();
  readonly #down = new Map<string, number>();
  readonly #now: () => number;
  readonly #withClusterKey: Interceptor;

  constructor(options: RemoteTransportOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#withClusterKey = (next) => (request) => {
      request.header.set(clusterKeyHeader, options.clusterKey);
      return next(request);
    };
  }

  async unary<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    header: HeaderValues | undefined,
    input: MessageInitShape<I>,
    contextValues?: ContextValues,
  ): Promise<UnaryResponse<I, O>> {
    const target = await this.#target();
    try {
      return await this.#connection(target).transport.unary(
        method,
        signal,
        timeoutMs,
        header,
        input,
        contextValues,
      );
    } catch (error) {
      throw this.#convert(error, target, method);
    }
  }

  async stream<I extends DescMessage, O extends DescMessage>(
    method: DescMethodStreaming<I, O>,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    header: HeaderValues | undefined,
    input: AsyncIterable<MessageInitShape<I>>,
    contextValues?: ContextValues,
  ): Promise<StreamResponse<I, O>> {
    const target = await this.#target();
    let response: StreamResponse<I, O>;
    try {
      response = await this.#connection(target).transport.stream(
        method,
        signal,
        timeoutMs,
        header,
        input,
        contextValues,
      );
    } catch (error) {
      throw this.#convert(error, target, method);
    }
    const convert = (error: unknown) => this.#convert(error, target, method);
    const messages = response.message;
    return {
      ...response,
      message: (async function* () {
        try {
          yield* messages;
        } catch (error) {
          throw convert(error);
        }
      })(),
    };
  }

  /**
   * Opens (or checks) the connection to the peer's current target, as a call would, without a
   * call: `peer_unavailable` when it cannot be found or reached. An unreachable target is
   * passed over by the next calls, as after a failed call.
   */
  async probe(): Promise<void> {
    const target = await this.#target();
    const { sessions } = this.#connection(target);
    if ((await sessions.connect()) !== "error") return;
    this.#down.set(key(target), this.#now() + (this.#options.failoverMs ?? 10_000));
    const cause = sessions.error();
    throw errPeerUnavailable.create(
      {
        peer: this.#options.peer,
        address: key(target),
        reason: cause instanceof Error ? cause.message : "connection failed",
      },
      cause,
    );
  }

  /** Closes every connection (and the calls on them). */
  close(): void {
    for (const { sessions } of this.#connections.values()) sessions.abort();
    this.#connections.clear();
  }

  async #target(): Promise<PeerTarget> {
    const { address, resolver, srvService, peer } = this.#options;
    if (address.kind === "direct") return address;
    const targets = await resolver.targets(srvService ?? "", address.domain, peer);
    const now = this.#now();
    return (
      targets.find((target) => (this.#down.get(key(target)) ?? 0) <= now) ??
      (targets[0] as PeerTarget)
    );
  }

  #connection(target: PeerTarget): Connection {
    const name = key(target);
    const known = this.#connections.get(name);
    if (known) return known;
    const { tls, ca, resolver } = this.#options;
    const baseUrl = `${tls ? "https" : "http"}://${name}`;
    const lookup = resolver.lookup;
    const nodeOptions = {
      ...(lookup ? { lookup } : {}),
      ...(tls && ca ? { ca } : {}),
    };
    const sessions = new Http2SessionManager(
      baseUrl,
      { idleConnectionTimeoutMs: this.#options.idleConnectionTimeoutMs ?? 300_000 },
      nodeOptions,
    );
    const connection = {
      sessions,
      transport: createGrpcTransport({
        baseUrl,
        sessionManager: sessions,
        interceptors: [this.#withClusterKey],
      }),
    };
    this.#connections.set(name, connection);
    return connection;
  }

  #convert(error: unknown, target: PeerTarget, method: DescMethod): unknown {
    if (!(error instanceof ConnectError)) return error;
    if (error.findDetails(ErrorDetailsSchema).length > 0) return errorFromConnect(error);
    const attributes = { method: `/${method.parent.typeName}/${method.name}` };
    if (error.code === Code.DeadlineExceeded) return errCallDeadline.create(attributes, error);
    if (error.code === Code.Canceled) return errCallCancelled.create(attributes, error);
    // What did not come from the peer (connection refused, TLS, reset) is the peer being out
    // of reach, whatever code the client library gave it.
    if (error.code === Code.Unavailable || !error.isWireError) {
      this.#down.set(key(target), this.#now() + (this.#options.failoverMs ?? 10_000));
      return errPeerUnavailable.create(
        { peer: this.#options.peer, address: key(target), reason: error.rawMessage },
        error,
      );
    }
    return errorFromConnect(error);
  }
}

function key(target: PeerTarget): string {
  return formatHostPort(target.host, target.port);
}

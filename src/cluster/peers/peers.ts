import type {
  DescMessage,
  DescMethodStreaming,
  DescMethodUnary,
  DescService,
  MessageInitShape,
} from "@bufbuild/protobuf";
import { type Client, type ContextValues, createClient, type Transport } from "@connectrpc/connect";
import type { ApiRegistry } from "../../api/registry.ts";
import type { Peer, PeerClientOptions } from "../peer.ts";
import { type PeerRole, peerRoles, srvService } from "../roles.ts";
import { parsePeerAddress } from "./address.ts";
import { errInvalidPeerAddress, errPeerNotConfigured } from "./errors.ts";
import { createLocalTransport } from "./local-transport.ts";
import { RemoteTransport } from "./remote-transport.ts";
import type { PeerResolver } from "./resolver.ts";

/** What a transport accepts as request headers. */
type HeaderValues = ConstructorParameters<typeof Headers>[0];

export interface PeerDirectoryOptions {
  /** The services of this process, for the roles it runs. */
  registry: ApiRegistry;
  /** The roles whose component runs in this process. */
  localRoles: ReadonlySet<PeerRole>;
  /** The configured address of each role that runs elsewhere (`cluster.<role>_address`). */
  addresses: Readonly<Partial<Record<PeerRole, string>>>;
  /** The cluster key calls carry, in hexadecimal. */
  clusterKey: string;
  tls: boolean;
  ca?: Buffer | undefined;
  resolver: PeerResolver;
}

/**
 * The peers of this process: for each role a direct peer when its component runs here, a
 * remote one at its configured address otherwise; and remote peers at explicit addresses.
 * Peers are made once and kept; `close` ends their connections.
 */
export class PeerDirectory {
  readonly #options: PeerDirectoryOptions;
  readonly #local: Transport;
  readonly #byRole = new Map<PeerRole, Peer>();
  readonly #byAddress = new Map<string, Peer>();
  readonly #remotes: RemoteTransport[] = [];

  constructor(options: PeerDirectoryOptions) {
    this.#options = options;
    this.#local = createLocalTransport(options.registry);
  }

  /**
   * The peer of a role; throws `peer_not_configured` naming the configuration key when the
   * role neither runs here nor has an address, `invalid_peer_address` for a bad address.
   */
  peer(role: PeerRole): Peer {
    const known = this.#byRole.get(role);
    if (known) return known;
    let peer: Peer;
    if (this.#options.localRoles.has(role)) {
      peer = makePeer(role, true, this.#local);
    } else {
      const { title, addressKey } = peerRoles[role];
      const text = this.#options.addresses[role] ?? "";
      if (text === "") throw errPeerNotConfigured.create({ title, key: `cluster.${addressKey}` });
      peer = makePeer(role, false, this.#remote(title, text, srvService(role)));
    }
    this.#byRole.set(role, peer);
    return peer;
  }

  /** A peer at `host:port`, such as the instance that holds a gateway's connection. */
  peerAt(address: string): Peer {
    const known = this.#byAddress.get(address);
    if (known) return known;
    if (parsePeerAddress(address).kind !== "direct")
      throw errInvalidPeerAddress.create({ address });
    const peer = makePeer(undefined, false, this.#remote("peer", address));
    this.#byAddress.set(address, peer);
    return peer;
  }

  /** Closes the connections of every remote peer. */
  close(): void {
    for (const remote of this.#remotes) remote.close();
    this.#remotes.length = 0;
    this.#byRole.clear();
    this.#byAddress.clear();
  }

  #remote(peer: string, address: string, service?: string): RemoteTransport {
    const { clusterKey, tls, ca, resolver } = this.#options;
    const remote = new RemoteTransport({
      peer,
      address: parsePeerAddress(address),
      ...(service ? { srvService: service } : {}),
      resolver,
      tls,
      ca,
      clusterKey,
    });
    this.#remotes.push(remote);
    return remote;
  }
}

function makePeer(
  role: PeerRole | undefined,
  local: boolean,
  transport: Transport | RemoteTransport,
): Peer {
  return {
    role,
    local,
    probe: async () => {
      if (transport instanceof RemoteTransport) await transport.probe();
    },
    client<S extends DescService>(service: S, options: PeerClientOptions = {}): Client<S> {
      const headers: Record<string, string> = {};
      if (options.authorization) headers.authorization = options.authorization;
      return createClient(service, withHeaders(transport, headers));
    },
  };
}

/** The transport with headers added to every call (a call's own headers win). */
function withHeaders(transport: Transport, extra: Record<string, string>): Transport {
  if (Object.keys(extra).length === 0) return transport;
  const merge = (header: HeaderValues | undefined): Headers => {
    const merged = new Headers(header);
    for (const [name, value] of Object.entries(extra))
      if (!merged.has(name)) merged.set(name, value);
    return merged;
  };
  return {
    unary<I extends DescMessage, O extends DescMessage>(
      method: DescMethodUnary<I, O>,
      signal: AbortSignal | undefined,
      timeoutMs: number | undefined,
      header: HeaderValues | undefined,
      input: MessageInitShape<I>,
      contextValues?: ContextValues,
    ) {
      return transport.unary(method, signal, timeoutMs, merge(header), input, contextValues);
    },
    stream<I extends DescMessage, O extends DescMessage>(
      method: DescMethodStreaming<I, O>,
      signal: AbortSignal | undefined,
      timeoutMs: number | undefined,
      header: HeaderValues | undefined,
      input: AsyncIterable<MessageInitShape<I>>,
      contextValues?: ContextValues,
    ) {
      return transport.stream(method, signal, timeoutMs, merge(header), input, contextValues);
    },
  };
}

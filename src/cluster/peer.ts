import type { DescService } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import type { PeerRole } from "./roles.ts";

/** Options of one peer client. */
export interface PeerClientOptions {
  /**
   * The `Authorization` header to forward (a user's API key or token), for calls that act on
   * behalf of the caller, such as a rights lookup. Peer calls always carry the cluster key too.
   */
  authorization?: string;
}

/**
 * Another component of the cluster. Its services are called through typed clients: a direct
 * call of the implementation when the role runs in this process (no encoding: the callee gets
 * the request object itself and must not change it), a Connect gRPC client otherwise,
 * authenticated with the cluster key. Defined errors raised by the peer come back as the same
 * defined errors (`errX.matches(error)` holds across processes); a peer that cannot be found
 * or reached is `cluster/peers:peer_unavailable`. A server stream a caller stops reading early
 * must be ended by aborting the call's `signal` (Connect clients do not return their iterator).
 */
export interface Peer {
  readonly role: PeerRole | undefined;
  /** Whether calls are direct calls within this process. */
  readonly local: boolean;
  client<S extends DescService>(service: S, options?: PeerClientOptions): Client<S>;
  /**
   * Checks that the peer can be reached now: resolves at once for a peer in this process; for
   * a remote one, finds its address (DNS SRV) and opens its connection (HTTP/2, TLS when
   * configured). Rejects with `peer_unavailable` naming the address. Absent: not checkable.
   */
  probe?(): Promise<void>;
}

/** The instance that holds a claim, and where its peers reach it. */
export interface ClaimHolder {
  instanceId: string;
  /** The holder's peer address (`host:port` of its gRPC listener). */
  address: string;
}

/**
 * What a renewal found: `renewed` (still held, extended), `restored` (the claim had vanished —
 * it expired during a stall, or Redis restarted empty — and nobody else held the id, so it is
 * held again), `taken` (another instance holds the id now: the resource moved there).
 */
export type ClaimRenewal = "renewed" | "restored" | "taken";

/** A held claim. */
export interface Claim {
  readonly id: string;
  /**
   * Extends the claim by its time to live, claiming the id again when it vanished; only a
   * claim that another holder has now is lost (`taken`). Rejects when the store cannot be
   * reached: the caller keeps the resource and tries again.
   */
  renew(): Promise<ClaimRenewal>;
  /** Gives the claim up, if this instance still holds it. */
  release(): Promise<void>;
}

/**
 * Which instance holds an id for a time, such as "this instance holds gateway X's connection".
 * A claim lasts `ttlMs` unless renewed; the holder renews it while it holds the resource.
 */
export interface Claims {
  /**
   * Claims `id` for this instance. `undefined` when another instance holds it, unless
   * `takeOver` is set (a gateway that reconnected to this instance): then the claim moves here.
   */
  claim(id: string, ttlMs: number, options?: { takeOver?: boolean }): Promise<Claim | undefined>;
  /** The current holder of `id`, or `undefined` when nobody holds it. */
  holder(id: string): Promise<ClaimHolder | undefined>;
}

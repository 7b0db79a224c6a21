/** The instance that holds a claim, and where its peers reach it. */
export interface ClaimHolder {
  instanceId: string;
  /** The holder's peer address (`host:port` of its gRPC listener). */
  address: string;
}

/** A held claim. */
export interface Claim {
  readonly id: string;
  /** Extends the claim by its time to live; false when it was lost (expired or taken over). */
  renew(): Promise<boolean>;
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

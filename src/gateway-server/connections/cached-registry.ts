import { DefinedError } from "../../errors/index.ts";
import type { Gateway } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { errGatewayEuiNotFound, errGatewayNotFound } from "../errors.ts";
import type { GatewayRegistry } from "./gateway-registry.ts";

interface Entry {
  expiresMs: number;
  answer: Promise<Gateway>;
}

/** Bound of each cache; past it the oldest entries go first. */
const maxEntries = 10_000;

/**
 * A {@link GatewayRegistry} that keeps answers for `ttlMs`: registrations, and refusals
 * (negative caching, so a gateway that is not registered costs one lookup per TTL however
 * often it knocks). Failures (registry unavailable) are not kept. Concurrent lookups of one key
 * share one call. Secrets are never cached.
 */
export class CachedGatewayRegistry implements GatewayRegistry {
  readonly #inner: GatewayRegistry;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(inner: GatewayRegistry, options: { ttlMs: number; now?: () => number }) {
    this.#inner = inner;
    this.#ttlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
  }

  byEui(eui: Uint8Array, options: { secrets?: boolean } = {}): Promise<Gateway> {
    if (options.secrets) return this.#inner.byEui(eui, options);
    const key = `eui:${Buffer.from(eui).toString("hex")}`;
    return this.#cached(key, () => this.#inner.byEui(eui));
  }

  byId(gatewayId: string, options: { secrets?: boolean } = {}): Promise<Gateway> {
    if (options.secrets) return this.#inner.byId(gatewayId, options);
    return this.#cached(`id:${gatewayId}`, () => this.#inner.byId(gatewayId));
  }

  updateAntennas(...args: Parameters<GatewayRegistry["updateAntennas"]>): Promise<void> {
    const [gateway] = args;
    this.#entries.delete(`id:${gateway.ids?.gatewayId}`);
    return this.#inner.updateAntennas(...args);
  }

  /** Forgets what is known of a gateway (its registration changed). */
  forget(gatewayId: string): void {
    this.#entries.delete(`id:${gatewayId}`);
  }

  #cached(key: string, fetch: () => Promise<Gateway>): Promise<Gateway> {
    const now = this.#now();
    const entry = this.#entries.get(key);
    if (entry && entry.expiresMs > now) return entry.answer;
    const answer = fetch();
    const fresh = { expiresMs: now + this.#ttlMs, answer };
    this.#entries.delete(key);
    this.#entries.set(key, fresh);
    if (this.#entries.size > maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    answer.catch((error: unknown) => {
      if (!isRefusal(error) && this.#entries.get(key) === fresh) this.#entries.delete(key);
    });
    return answer;
  }
}

function isRefusal(error: unknown): boolean {
  return (
    error instanceof DefinedError &&
    (errGatewayEuiNotFound.matches(error) || errGatewayNotFound.matches(error))
  );
}

import { Resolver } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { errPeerUnavailable } from "./errors.ts";
import { orderSrvRecords, type SrvRecord } from "./srv-order.ts";

/** The DNS queries the resolver makes (node:dns/promises `Resolver`, or a fake in tests). */
export interface DnsClient {
  resolveSrv(name: string): Promise<SrvRecord[]>;
  resolve4(name: string, options: { ttl: true }): Promise<{ address: string; ttl: number }[]>;
  resolve6(name: string, options: { ttl: true }): Promise<{ address: string; ttl: number }[]>;
}

export interface PeerResolverOptions {
  /** DNS servers (`host:port` or `host`); empty for the system's. */
  servers?: readonly string[];
  /**
   * How long an answer is used: SRV answers this long (Node's resolver does not report their
   * TTL), address answers for their TTL but never longer. Default 30 s.
   */
  cacheMs?: number;
  /** How long a failed lookup is answered from memory before asking again. Default 1 s. */
  failureCacheMs?: number;
  /** How long past its expiry an answer still serves when asking again fails. Default 5 min. */
  staleMs?: number;
  /** Queries per lookup before it fails, for transient failures. Default 3. */
  attempts?: number;
  /** Pause before the first retry, doubled before each further one. Default 200 ms. */
  retryDelayMs?: number;
  /** Time one query waits for an answer. Default 2 s. */
  queryTimeoutMs?: number;
  random?: () => number;
  now?: () => number;
  client?: DnsClient;
}

/** A host and port to dial. */
export interface PeerTarget {
  host: string;
  port: number;
}

// DNS failures that a later query may not have (as opposed to "no such name").
const transientCodes = new Set([
  "ETIMEOUT",
  "ESERVFAIL",
  "ECONNREFUSED",
  "EREFUSED",
  "EAI_AGAIN",
  "ECANCELLED",
]);

/**
 * Finds peers with DNS: the SRV records of a role's service, ordered by priority and weight,
 * and (when DNS servers are configured) the addresses of the hosts they name. Answers are
 * cached; concurrent lookups of one name share one query; transient failures are retried;
 * a lookup that still fails is `peer_unavailable`, unless an answer that expired a short while
 * ago can serve.
 */
export class PeerResolver {
  readonly #client: DnsClient;
  readonly #systemDns: boolean;
  readonly #cacheMs: number;
  readonly #attempts: number;
  readonly #retryDelayMs: number;
  readonly #random: () => number;
  readonly #srv: Memo<SrvRecord[]>;
  readonly #hosts: Memo<{ address: string; family: 4 | 6 }[]>;

  constructor(options: PeerResolverOptions = {}) {
    const servers = options.servers ?? [];
    this.#systemDns = servers.length === 0 && options.client === undefined;
    this.#client = options.client ?? systemResolver(servers, options.queryTimeoutMs ?? 2000);
    this.#cacheMs = options.cacheMs ?? 30_000;
    this.#attempts = Math.max(1, options.attempts ?? 3);
    this.#retryDelayMs = options.retryDelayMs ?? 200;
    this.#random = options.random ?? Math.random;
    const memo = {
      now: options.now ?? Date.now,
      failureMs: options.failureCacheMs ?? 1000,
      staleMs: options.staleMs ?? 300_000,
    };
    this.#srv = new Memo(memo);
    this.#hosts = new Memo(memo);
  }

  /**
   * The targets of `_<service>._tcp.<domain>` in the order to try them (RFC 2782); `peer`
   * names the peer in errors.
   */
  async targets(service: string, domain: string, peer: string): Promise<PeerTarget[]> {
    const name = `_${service}._tcp.${domain}`;
    const records = await this.#srv.get(name, async () => {
      const answer = await this.#query(() => this.#client.resolveSrv(name));
      // A target of "." says the service is decidedly not available at this domain.
      const usable = answer.filter((record) => record.name !== "" && record.name !== ".");
      if (usable.length === 0) throw Object.assign(new Error("no SRV target"), { code: "ENODATA" });
      return { value: usable, ttlMs: this.#cacheMs };
    });
    if (records.ok) {
      return orderSrvRecords(records.value, this.#random).map((record) => ({
        host: record.name.replace(/\.$/, ""),
        port: record.port,
      }));
    }
    throw errPeerUnavailable.create(
      { peer, address: domain, reason: `DNS SRV ${name}: ${reasonOf(records.error)}` },
      records.error,
    );
  }

  /**
   * A `lookup` for sockets that resolves host names through the configured DNS servers (the
   * hosts SRV records name live in the same zone); `undefined` with the system's DNS, where
   * the default lookup (which also reads /etc/hosts) is right.
   */
  get lookup(): LookupFunction | undefined {
    if (this.#systemDns) return undefined;
    return (hostname, options, callback) => {
      this.addresses(hostname).then(
        (found) => {
          const family = familyOf(options.family);
          const matching = found.filter((entry) => family === 0 || entry.family === family);
          const first = matching[0];
          if (!first) {
            const error = Object.assign(new Error(`no address for ${hostname}`), {
              code: "ENOTFOUND",
            });
            callback(error, "", 0);
          } else if (options.all) callback(null, matching);
          else callback(null, first.address, first.family);
        },
        (error: NodeJS.ErrnoException) => callback(error, "", 0),
      );
    };
  }

  /** The addresses of a host (IPv4 first, else IPv6), as the configured DNS servers give them. */
  async addresses(host: string): Promise<{ address: string; family: 4 | 6 }[]> {
    const literal = isIP(host);
    if (literal !== 0) return [{ address: host, family: literal as 4 | 6 }];
    const found = await this.#hosts.get(host.toLowerCase(), async () => {
      const v4 = await this.#query(() => this.#client.resolve4(host, { ttl: true })).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code === "ENODATA" || error.code === "ENOTFOUND") return [];
          throw error;
        },
      );
      const records =
        v4.length > 0 ? v4 : await this.#query(() => this.#client.resolve6(host, { ttl: true }));
      const family: 4 | 6 = v4.length > 0 ? 4 : 6;
      if (records.length === 0)
        throw Object.assign(new Error(`no address for ${host}`), { code: "ENOTFOUND" });
      const ttlMs = Math.min(...records.map((record) => record.ttl * 1000));
      return {
        value: records.map((record) => ({ address: record.address, family })),
        // At least a second, so that a burst of connections shares one query.
        ttlMs: Math.min(Math.max(ttlMs, 1000), this.#cacheMs),
      };
    });
    if (found.ok) return found.value;
    throw found.error;
  }

  async #query<T>(query: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await query();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? "";
        if (attempt >= this.#attempts || !transientCodes.has(code)) throw error;
        await sleep(this.#retryDelayMs * 2 ** (attempt - 1));
      }
    }
  }
}

function systemResolver(servers: readonly string[], timeoutMs: number): DnsClient {
  // One try per query: retries are ours, with back-off, and count against `attempts`.
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  if (servers.length > 0) resolver.setServers([...servers]);
  return resolver;
}

function familyOf(family: number | string | undefined): 0 | 4 | 6 {
  if (family === 4 || family === "IPv4") return 4;
  if (family === 6 || family === "IPv6") return 6;
  return 0;
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  const messages: Record<string, string> = {
    ENOTFOUND: "no such name",
    ENODATA: "no records",
    ETIMEOUT: "no answer in time",
    ESERVFAIL: "the DNS server failed",
    EREFUSED: "the DNS server refused",
    ECONNREFUSED: "the DNS server is not reachable",
  };
  return (code && messages[code]) ?? (error as Error)?.message ?? String(error);
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface MemoEntry<T> {
  outcome: Outcome<T>;
  expiresAt: number;
  /** For a success: until when it may still serve when asking again fails. */
  staleUntil: number;
}

/**
 * Answers by name, each kept for its time to live; concurrent misses of one name share one
 * load; a failure is kept briefly; an expired success serves while a new load fails.
 */
class Memo<T> {
  readonly #entries = new Map<string, MemoEntry<T>>();
  readonly #loading = new Map<string, Promise<Outcome<T>>>();
  readonly #now: () => number;
  readonly #failureMs: number;
  readonly #staleMs: number;
  static readonly maxEntries = 1000;

  constructor(options: { now: () => number; failureMs: number; staleMs: number }) {
    this.#now = options.now;
    this.#failureMs = options.failureMs;
    this.#staleMs = options.staleMs;
  }

  get(name: string, load: () => Promise<{ value: T; ttlMs: number }>): Promise<Outcome<T>> {
    const entry = this.#entries.get(name);
    if (entry && entry.expiresAt > this.#now()) return Promise.resolve(entry.outcome);
    const pending = this.#loading.get(name);
    if (pending) return pending;
    const loading = load().then(
      ({ value, ttlMs }): Outcome<T> => {
        const now = this.#now();
        this.#store(name, {
          outcome: { ok: true, value },
          expiresAt: now + ttlMs,
          staleUntil: now + ttlMs + this.#staleMs,
        });
        return { ok: true, value };
      },
      (error: unknown): Outcome<T> => {
        const now = this.#now();
        if (entry?.outcome.ok && entry.staleUntil > now) {
          // Serve the expired answer, and ask again only after the failure pause.
          this.#store(name, { ...entry, expiresAt: now + this.#failureMs });
          return entry.outcome;
        }
        this.#store(name, {
          outcome: { ok: false, error },
          expiresAt: now + this.#failureMs,
          staleUntil: 0,
        });
        return { ok: false, error };
      },
    );
    this.#loading.set(name, loading);
    return loading.finally(() => this.#loading.delete(name));
  }

  #store(name: string, entry: MemoEntry<T>): void {
    this.#entries.delete(name);
    this.#entries.set(name, entry);
    // Names come from configuration and claim holders: few, but bounded all the same.
    if (this.#entries.size > Memo.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }
}

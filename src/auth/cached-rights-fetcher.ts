import { createHash } from "node:crypto";
import { DefinedError } from "../errors/index.ts";
import type { Caller } from "./caller.ts";
import type { EntityRef } from "./entity.ts";
import { rightsSubject } from "./peer-rights-fetcher.ts";
import type { RightName } from "./rights/index.ts";
import type { AuthInfo, RightsFetcher } from "./rights-fetcher.ts";
import { type KeepPolicy, type Outcome, TaggedCache } from "./tagged-cache.ts";

/**
 * What changes rights, for whoever learns of such changes (the events that the Identity Server
 * publishes) to tell a cache: entries that may depend on the change are dropped.
 */
export interface RightsInvalidation {
  /** An API key was updated or deleted. */
  invalidateApiKey(keyId: string): void;
  /**
   * An entity's keys, collaborators or existence changed (an end device counts as its
   * application); for an organization, also every right held through organizations.
   */
  invalidateEntity(entity: EntityRef): void;
  /** A user changed (admin flag, state) or was deleted: its keys, tokens and rights. */
  invalidateUser(userId: string): void;
  invalidateAll(): void;
}

export interface CachedRightsFetcherOptions {
  /** How long an answer is kept. Default 5 s. */
  ttlMs?: number;
  /** How long a refusal (unknown token, no rights) is kept. Default 1 s. */
  negativeTtlMs?: number;
  /** Answers kept at most, per kind (caller and rights). Default 10,000. */
  maxEntries?: number;
  now?: () => number;
}

/** Error codes that are answers about the credentials, not failures to get one. */
const refusalCodes = new Set(["unauthenticated", "permission_denied", "not_found"]);

/** Tag of everything that may depend on memberships (rights through organizations). */
const membershipsTag = "memberships";

/**
 * A {@link RightsFetcher} in front of another, with a short-lived, bounded cache: answers for
 * a few seconds, refusals for a second, concurrent misses for one credential (and entity)
 * sharing one lookup, and explicit invalidation. Credentials are kept only as SHA-256 digests.
 */
export class CachedRightsFetcher implements RightsFetcher, RightsInvalidation {
  readonly #inner: RightsFetcher;
  readonly #ttlMs: number;
  readonly #negativeTtlMs: number;
  readonly #callers: TaggedCache<AuthInfo>;
  readonly #rights: TaggedCache<ReadonlySet<RightName>>;

  constructor(inner: RightsFetcher, options: CachedRightsFetcherOptions = {}) {
    this.#inner = inner;
    this.#ttlMs = options.ttlMs ?? 5000;
    this.#negativeTtlMs = options.negativeTtlMs ?? 1000;
    const cache = { maxEntries: options.maxEntries ?? 10_000, now: options.now };
    this.#callers = new TaggedCache(cache);
    this.#rights = new TaggedCache(cache);
  }

  authInfo(authorization: string): Promise<AuthInfo> {
    return this.#callers.get(
      `auth:${digest(authorization)}`,
      () => this.#inner.authInfo(authorization),
      (outcome) => this.#keep(outcome, (info) => callerTags(info.caller), tokenTags(authorization)),
    );
  }

  async rightsOn(authorization: string, entity: EntityRef): Promise<ReadonlySet<RightName>> {
    // Who the caller is decides what the answer depends on; it is cached itself.
    const { caller } = await this.authInfo(authorization);
    const subject = rightsSubject(entity);
    const tags = [...callerTags(caller), entityTag(subject)];
    if (dependsOnMemberships(caller)) tags.push(membershipsTag);
    return this.#rights.get(
      `rights:${digest(authorization)}:${subject.kind}:${subject.id}`,
      () => this.#inner.rightsOn(authorization, entity),
      (outcome) => this.#keep(outcome, () => tags, tags),
    );
  }

  invalidateApiKey(keyId: string): void {
    this.#invalidate(`key:${keyId}`);
  }

  invalidateEntity(entity: EntityRef): void {
    const subject = rightsSubject(entity);
    this.#invalidate(entityTag(subject));
    if (subject.kind === "organization") this.#invalidate(membershipsTag);
    if (subject.kind === "user") this.#invalidate(`user:${subject.id}`);
  }

  invalidateUser(userId: string): void {
    this.#invalidate(`user:${userId}`);
    this.#invalidate(entityTag({ kind: "user", id: userId }));
  }

  invalidateAll(): void {
    this.#callers.clear();
    this.#rights.clear();
  }

  /** Hits, misses and joined lookups of both caches (for tests and metrics). */
  get stats(): { hits: number; misses: number; coalesced: number } {
    const a = this.#callers.stats;
    const b = this.#rights.stats;
    return {
      hits: a.hits + b.hits,
      misses: a.misses + b.misses,
      coalesced: a.coalesced + b.coalesced,
    };
  }

  #invalidate(tag: string): void {
    this.#callers.invalidate(tag);
    this.#rights.invalidate(tag);
  }

  #keep<V>(
    outcome: Outcome<V>,
    tagsOf: (value: V) => readonly string[],
    refusalTags: readonly string[],
  ): KeepPolicy {
    if (outcome.ok) return { ttlMs: this.#ttlMs, tags: tagsOf(outcome.value) };
    const error = outcome.error;
    if (error instanceof DefinedError && refusalCodes.has(error.code))
      return { ttlMs: this.#negativeTtlMs, tags: refusalTags };
    // Failures to get an answer (the Identity Server unavailable, ...) are not answers.
    return undefined;
  }
}

function digest(authorization: string): string {
  return createHash("sha256").update(authorization.trim()).digest("base64url");
}

function entityTag(entity: { kind: string; id: string }): string {
  return `entity:${entity.kind}:${entity.id}`;
}

function callerTags(caller: Caller): string[] {
  if (caller.kind === "user") return [`user:${caller.userId}`];
  const tags = [`key:${caller.keyId}`, entityTag(rightsSubject(caller.owner))];
  if (caller.owner.kind === "user") tags.push(`user:${caller.owner.id}`);
  return tags;
}

/** The API key a refused credential names, so that its refusal goes with the key's changes. */
function tokenTags(authorization: string): string[] {
  const match = /^Bearer\s+NNSXS\.([A-Z2-7]+)\./i.exec(authorization.trim());
  return match ? [`key:${match[1]}`] : [];
}

function dependsOnMemberships(caller: Caller): boolean {
  return (
    caller.kind === "user" || caller.owner.kind === "user" || caller.owner.kind === "organization"
  );
}

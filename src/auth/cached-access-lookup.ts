import type { RightsInvalidation } from "./cached-rights-fetcher.ts";
import type { AccessLookup, StoredApiKey, StoredUser } from "./caller.ts";
import type { EntityRef, EntityRefKind } from "./entity.ts";
import { type KeepPolicy, TaggedCache } from "./tagged-cache.ts";

export interface CachedAccessLookupOptions {
  /** How long a lookup is kept. Default 5 s. */
  ttlMs?: number;
  /** Lookups kept at most, per kind (keys, users, memberships). Default 10,000. */
  maxEntries?: number;
  now?: () => number;
}

const membershipsTag = "memberships";

/**
 * The Identity Server's access lookups (API keys, users, membership rights) with a short-lived
 * cache in front, so that authenticating and authorizing a request costs no SQL statement when
 * the same credentials were seen in the last seconds. The stores stay the authority: the cache
 * is invalidated by the events of every change to keys, memberships, users and entities, and
 * never keeps an answer for longer than its TTL. Lookups that find nothing are not kept (a key
 * created a moment later works at once); OAuth access tokens are not cached at all (revoking
 * one takes effect at once).
 */
export class CachedAccessLookup implements AccessLookup, RightsInvalidation {
  readonly #inner: AccessLookup;
  readonly #ttlMs: number;
  readonly #keys: TaggedCache<StoredApiKey | undefined>;
  readonly #users: TaggedCache<StoredUser | undefined>;
  readonly #memberships: TaggedCache<ReadonlySet<string>>;
  /** The OAuth access token check, when the Identity Server has set one up (passed through). */
  accessToken?: AccessLookup["accessToken"];

  constructor(inner: AccessLookup, options: CachedAccessLookupOptions = {}) {
    this.#inner = inner;
    this.#ttlMs = options.ttlMs ?? 5000;
    const cache = { maxEntries: options.maxEntries ?? 10_000, now: options.now };
    this.#keys = new TaggedCache(cache);
    this.#users = new TaggedCache(cache);
    this.#memberships = new TaggedCache(cache);
    if (inner.accessToken) this.accessToken = inner.accessToken.bind(inner);
  }

  apiKey(id: string): Promise<StoredApiKey | undefined> {
    return this.#keys.get(
      id,
      () => this.#inner.apiKey(id),
      (outcome) => {
        if (!outcome.ok || !outcome.value) return undefined;
        const { owner } = outcome.value;
        const tags = [`key:${id}`, entityTag(owner)];
        if (owner.kind === "user") tags.push(`user:${owner.id}`);
        return this.#keep(tags);
      },
    );
  }

  user(userId: string): Promise<StoredUser | undefined> {
    return this.#users.get(
      userId,
      () => this.#inner.user(userId),
      (outcome) =>
        outcome.ok && outcome.value
          ? this.#keep([`user:${userId}`, entityTag({ kind: "user", id: userId })])
          : undefined,
    );
  }

  membershipRights(account: EntityRef, entity: EntityRef): Promise<ReadonlySet<string>> {
    const accountTag = account.kind === "user" ? `user:${account.id}` : entityTag(account);
    return this.#memberships.get(
      `${account.kind}:${account.id}>${entity.kind}:${entity.id}`,
      () => this.#inner.membershipRights(account, entity),
      (outcome) =>
        outcome.ok ? this.#keep([accountTag, entityTag(entity), membershipsTag]) : undefined,
    );
  }

  /**
   * Passed through uncached: a list call asks once per page, for the entities of that page,
   * which a cache keyed by entity could not answer in one statement anyway.
   */
  membershipRightsOfEach(
    account: EntityRef,
    kind: EntityRefKind,
    ids: readonly string[],
  ): Promise<ReadonlyMap<string, ReadonlySet<string>>> {
    if (this.#inner.membershipRightsOfEach)
      return this.#inner.membershipRightsOfEach(account, kind, ids);
    return Promise.all(
      ids.map(async (id) => [id, await this.membershipRights(account, { kind, id })] as const),
    ).then((entries) => new Map(entries));
  }

  async upgradeApiKeyHash(keyId: string, from: string, to: string): Promise<void> {
    await this.#inner.upgradeApiKeyHash?.(keyId, from, to);
    // The cached key still holds the old hash.
    this.invalidateApiKey(keyId);
  }

  invalidateApiKey(keyId: string): void {
    this.#invalidate(`key:${keyId}`);
  }

  invalidateEntity(entity: EntityRef): void {
    const subject = entity.kind === "end_device" ? applicationOf(entity) : entity;
    this.#invalidate(entityTag(subject));
    if (subject.kind === "organization") this.#invalidate(membershipsTag);
    if (subject.kind === "user") this.#invalidate(`user:${subject.id}`);
  }

  invalidateUser(userId: string): void {
    this.#invalidate(`user:${userId}`);
    this.#invalidate(entityTag({ kind: "user", id: userId }));
  }

  invalidateAll(): void {
    this.#keys.clear();
    this.#users.clear();
    this.#memberships.clear();
  }

  #keep(tags: readonly string[]): KeepPolicy {
    return { ttlMs: this.#ttlMs, tags };
  }

  #invalidate(tag: string): void {
    this.#keys.invalidate(tag);
    this.#users.invalidate(tag);
    this.#memberships.invalidate(tag);
  }
}

function entityTag(entity: { kind: string; id: string }): string {
  return `entity:${entity.kind}:${entity.id}`;
}

function applicationOf(device: EntityRef): EntityRef {
  const dot = device.id.indexOf(".");
  return { kind: "application", id: dot < 0 ? device.id : device.id.slice(0, dot) };
}

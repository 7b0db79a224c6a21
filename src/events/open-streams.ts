import type { RightsInvalidation } from "../auth/cached-rights-fetcher.ts";
import type { Caller } from "../auth/caller.ts";
import { rightsSubject } from "../auth/peer-rights-fetcher.ts";
import { errTooManyStreams } from "./errors.ts";
import type { EntityRef } from "./event.ts";

/** What an open stream is told: its rights may have changed (it re-checks them in order). */
export interface RightsWatcher {
  markRightsChanged(): void;
}

/** One open stream in the registry; `release` when it ends. */
export interface OpenStream {
  /** Where rights changes go from now on (the stream's subscription). */
  watch(watcher: RightsWatcher): void;
  release(): void;
}

export interface OpenStreamsOptions {
  /** Open streams per account on this instance at most; 0: no limit. */
  maxPerCaller: number;
  /**
   * How often every open stream re-checks its rights even without a change seen (a key that
   * expired, a change whose event was lost); 0: never.
   */
  recheckIntervalMs?: number;
}

interface Entry {
  account: string;
  tags: readonly string[];
  watcher: RightsWatcher | undefined;
}

/**
 * The event streams open on this instance: at most `maxPerCaller` per account, and told when
 * their rights may have changed. It is a {@link RightsInvalidation} like the rights cache, fed
 * the same events (src/auth/invalidate-for-event.ts), and finds the streams a change concerns
 * by the same tags: the caller's key, the key's owner and user, every subscribed entity (an end
 * device through its application), and for callers whose rights come through memberships any
 * organization change. Each stream so marked re-fetches its rights before its next event.
 */
export class OpenStreams implements RightsInvalidation {
  readonly #maxPerCaller: number;
  readonly #byTag = new Map<string, Set<Entry>>();
  readonly #perAccount = new Map<string, number>();
  readonly #all = new Set<Entry>();
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(options: OpenStreamsOptions) {
    this.#maxPerCaller = options.maxPerCaller;
    const interval = options.recheckIntervalMs ?? 0;
    if (interval > 0) {
      this.#timer = setInterval(() => this.invalidateAll(), interval);
      this.#timer.unref();
    }
  }

  /**
   * Registers a stream of `caller` on `entities`; throws `too_many_streams` when the caller's
   * account already has `maxPerCaller` open here.
   */
  open(caller: Caller, entities: readonly EntityRef[]): OpenStream {
    const account = accountOf(caller);
    const count = this.#perAccount.get(account) ?? 0;
    if (this.#maxPerCaller > 0 && count >= this.#maxPerCaller)
      throw errTooManyStreams.create({ max: this.#maxPerCaller });
    const tags = new Set(callerTags(caller));
    for (const entity of entities) tags.add(entityTag(rightsSubject(entity)));
    if (dependsOnMemberships(caller)) tags.add(membershipsTag);
    const entry: Entry = { account, tags: [...tags], watcher: undefined };
    this.#perAccount.set(account, count + 1);
    this.#all.add(entry);
    for (const tag of entry.tags) {
      let set = this.#byTag.get(tag);
      if (!set) {
        set = new Set();
        this.#byTag.set(tag, set);
      }
      set.add(entry);
    }
    let released = false;
    return {
      watch: (watcher) => {
        entry.watcher = watcher;
      },
      release: () => {
        if (released) return;
        released = true;
        this.#remove(entry);
      },
    };
  }

  /** Streams open here (for tests and metrics). */
  get size(): number {
    return this.#all.size;
  }

  invalidateApiKey(keyId: string): void {
    this.#mark(`key:${keyId}`);
  }

  invalidateEntity(entity: EntityRef): void {
    const subject = rightsSubject(entity);
    this.#mark(entityTag(subject));
    if (subject.kind === "organization") this.#mark(membershipsTag);
    if (subject.kind === "user") this.#mark(`user:${subject.id}`);
  }

  invalidateUser(userId: string): void {
    this.#mark(`user:${userId}`);
    this.#mark(entityTag({ kind: "user", id: userId }));
  }

  invalidateAll(): void {
    for (const entry of this.#all) entry.watcher?.markRightsChanged();
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #mark(tag: string): void {
    for (const entry of this.#byTag.get(tag) ?? []) entry.watcher?.markRightsChanged();
  }

  #remove(entry: Entry): void {
    this.#all.delete(entry);
    const count = (this.#perAccount.get(entry.account) ?? 1) - 1;
    if (count > 0) this.#perAccount.set(entry.account, count);
    else this.#perAccount.delete(entry.account);
    for (const tag of entry.tags) {
      const set = this.#byTag.get(tag);
      set?.delete(entry);
      if (set?.size === 0) this.#byTag.delete(tag);
    }
  }
}

const membershipsTag = "memberships";

function entityTag(entity: { kind: string; id: string }): string {
  return `entity:${entity.kind}:${entity.id}`;
}

/**
 * The account a caller's streams count against: the user of a user's token or key, otherwise
 * the entity that owns the key — so that making more keys does not lift the cap.
 */
function accountOf(caller: Caller): string {
  if (caller.kind === "user") return `user:${caller.userId}`;
  return `${caller.owner.kind}:${caller.owner.id}`;
}

function callerTags(caller: Caller): string[] {
  if (caller.kind === "user") return [`user:${caller.userId}`];
  const tags = [`key:${caller.keyId}`, entityTag(rightsSubject(caller.owner))];
  if (caller.owner.kind === "user") tags.push(`user:${caller.owner.id}`);
  return tags;
}

function dependsOnMemberships(caller: Caller): boolean {
  return (
    caller.kind === "user" || caller.owner.kind === "user" || caller.owner.kind === "organization"
  );
}

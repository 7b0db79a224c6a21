import { errNoRights } from "../auth/errors.ts";
import type { RightName } from "../auth/rights/index.ts";
import type { RightsFetcher } from "../auth/rights-fetcher.ts";
import { DefinedError } from "../errors/index.ts";
import { type EntityRef, entityKey, type StackEvent } from "./event.ts";
import { isVisible } from "./visibility.ts";

/** Errors of a rights lookup that mean "no rights (any more)", not "could not find out". */
const refusalCodes = new Set(["permission_denied", "not_found"]);

/**
 * What one stream's caller may see: its rights on each entity it follows, fetched when the
 * stream opens and again whenever they may have changed. A re-check narrows the stream to the
 * entities the caller still has rights on and ends it (throws) when there are none left, or
 * when the credential itself no longer authenticates.
 */
export class StreamAccess {
  readonly #rights: RightsFetcher;
  readonly #authorization: string;
  #entities: readonly EntityRef[];
  #held = new Map<string, ReadonlySet<RightName>>();

  constructor(rights: RightsFetcher, authorization: string, entities: readonly EntityRef[]) {
    this.#rights = rights;
    this.#authorization = authorization;
    this.#entities = entities;
  }

  /** The entities still followed. */
  get entities(): readonly EntityRef[] {
    return this.#entities;
  }

  /** Fetches the rights on every entity; throws `no_rights` naming one without any. */
  async open(): Promise<void> {
    for (const entity of this.#entities) {
      const held = await this.#rights.rightsOn(this.#authorization, entity);
      if (held.size === 0)
        throw errNoRights.create({ entity_kind: entity.kind, entity_id: entity.id });
      this.#held.set(entityKey(entity), held);
    }
  }

  /**
   * Fetches the rights again (the cache has dropped what the change concerned). Keeps the
   * entities with rights left; throws the authentication error of a credential that is gone, or
   * `no_rights` when no entity is left.
   */
  async recheck(): Promise<void> {
    await this.#rights.authInfo(this.#authorization);
    const held = new Map<string, ReadonlySet<RightName>>();
    const kept: EntityRef[] = [];
    for (const entity of this.#entities) {
      const rights = await this.#rightsOrNone(entity);
      if (rights.size === 0) continue;
      held.set(entityKey(entity), rights);
      kept.push(entity);
    }
    const first = this.#entities[0];
    if (kept.length === 0 && first)
      throw errNoRights.create({ entity_kind: first.kind, entity_id: first.id });
    this.#held = held;
    this.#entities = kept;
  }

  /** Whether the caller may see the event with the rights it holds now. */
  visible(event: StackEvent): boolean {
    return isVisible(event, (ref) => this.#held.get(entityKey(ref)));
  }

  async #rightsOrNone(entity: EntityRef): Promise<ReadonlySet<RightName>> {
    try {
      return await this.#rights.rightsOn(this.#authorization, entity);
    } catch (error) {
      if (error instanceof DefinedError && refusalCodes.has(error.code)) return new Set();
      throw error;
    }
  }
}

import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../storage/schema.ts";

const model = "Interaction";

/**
 * Bounds on stored interactions (sign-ins under way, one row per `GET /authorize` that needs
 * the user): at most `perAddress` per client address and `max` in all. Past a bound the oldest
 * are dropped first (the soonest to expire: every interaction lives equally long), so that
 * whoever calls `/authorize` in a loop only pushes out their own older attempts, and beyond the
 * global cap, the oldest of everybody's.
 */
export class InteractionBounds {
  readonly #db: Kysely<DatabaseSchema>;
  readonly #perAddress: number;
  readonly #max: number;
  readonly #onDropped: (count: number) => void;
  #globalTrim: Promise<void> | undefined;

  constructor(
    db: Kysely<DatabaseSchema>,
    bounds: { perAddress: number; max: number },
    onDropped: (count: number) => void = () => {},
  ) {
    this.#db = db;
    this.#perAddress = bounds.perAddress;
    this.#max = bounds.max;
    this.#onDropped = onDropped;
  }

  /**
   * After an interaction of `address` (its hash; `undefined` when unknown) was stored: trims
   * that address's interactions, then everybody's. One global trim runs at a time; a call that
   * finds one running leaves the work to it and the next, so a flood of calls costs one trim
   * after another, and the global cap is passed by at most what is stored during one trim.
   */
  async stored(address: string | undefined): Promise<void> {
    if (address !== undefined) await this.#trim(this.#perAddress, address);
    if (this.#globalTrim) return;
    this.#globalTrim = this.trimAll().then(() => undefined);
    try {
      await this.#globalTrim;
    } finally {
      this.#globalTrim = undefined;
    }
  }

  /** Trims everybody's interactions to the global cap now; returns how many were dropped. */
  trimAll(): Promise<number> {
    return this.#trim(this.#max, undefined);
  }

  /** Keeps the newest `keep` interactions (of `address`, or of all); returns how many went. */
  async #trim(keep: number, address: string | undefined): Promise<number> {
    let boundary = this.#db
      .selectFrom("oauth_artifacts")
      .select(["expires_at", "id"])
      .where("model", "=", model);
    if (address !== undefined) boundary = boundary.where("address_hash", "=", address);
    const first = await boundary
      .orderBy("expires_at", "desc")
      .orderBy("id", "desc")
      .limit(1)
      .offset(keep)
      .executeTakeFirst();
    if (!first?.expires_at) return 0;
    const { expires_at: expiresAt, id } = first;
    let drop = this.#db
      .deleteFrom("oauth_artifacts")
      .where("model", "=", model)
      .where((eb) =>
        eb.or([
          eb("expires_at", "<", expiresAt),
          eb.and([eb("expires_at", "=", expiresAt), eb("id", "<=", id)]),
        ]),
      );
    if (address !== undefined) drop = drop.where("address_hash", "=", address);
    const result = await drop.executeTakeFirst();
    const dropped = Number(result.numDeletedRows);
    if (dropped > 0) this.#onDropped(dropped);
    return dropped;
  }
}

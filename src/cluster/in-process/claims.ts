import type { Claim, ClaimHolder, ClaimRenewal, Claims } from "../claims.ts";

interface Entry {
  holder: ClaimHolder;
  /** Tells this claim apart from a later claim of the same id by the same instance. */
  token: number;
  expiresAt: number;
}

/** The claims of one cluster; objects that share it see each other's claims. */
export type ClaimTable = Map<string, Entry>;

let tokens = 0;
/** Every this many claims, expired entries nobody looked up again are dropped. */
const sweepEvery = 256;

/** The embedded {@link Claims}: a map of ids to holders with an expiry time. */
export class InProcessClaims implements Claims {
  readonly #holder: ClaimHolder;
  readonly #table: ClaimTable;
  #claims = 0;

  constructor(holder: ClaimHolder, table: ClaimTable = new Map()) {
    // Kept by reference: the address may be a getter that learns the bound port later.
    this.#holder = holder;
    this.#table = table;
  }

  async claim(
    id: string,
    ttlMs: number,
    options: { takeOver?: boolean } = {},
  ): Promise<Claim | undefined> {
    if (++this.#claims % sweepEvery === 0) this.#sweep();
    if (this.#current(id) && !options.takeOver) return undefined;
    const entry: Entry = {
      holder: { ...this.#holder },
      token: ++tokens,
      expiresAt: Date.now() + ttlMs,
    };
    this.#table.set(id, entry);
    const holds = () => this.#current(id) === entry;
    return {
      id,
      renew: async (): Promise<ClaimRenewal> => {
        const current = this.#current(id);
        entry.expiresAt = Date.now() + ttlMs;
        if (current === entry) return "renewed";
        if (current) return "taken";
        // Expired (a stalled process) and nobody claimed it since: held again.
        this.#table.set(id, entry);
        return "restored";
      },
      release: async () => {
        if (holds()) this.#table.delete(id);
      },
    };
  }

  async holder(id: string): Promise<ClaimHolder | undefined> {
    const entry = this.#current(id);
    return entry ? { ...entry.holder } : undefined;
  }

  #sweep(): void {
    const now = Date.now();
    for (const [id, entry] of this.#table) if (entry.expiresAt <= now) this.#table.delete(id);
  }

  /** The live entry of `id`; an expired one is dropped on the way. */
  #current(id: string): Entry | undefined {
    const entry = this.#table.get(id);
    if (entry && entry.expiresAt <= Date.now()) {
      this.#table.delete(id);
      return undefined;
    }
    return entry;
  }
}

import type { Logger } from "../log/logger.ts";
import type { BoundListener } from "./bound-listener.ts";
import { errListenerNameTaken } from "./errors.ts";

/** A registered listener. */
export interface ListenerEntry {
  bound: BoundListener;
  /** Who opened it: `runtime` or a component's name. */
  owner: string;
  /** Closes it, cutting what is still open after `timeoutMs`; absent: its owner closes it. */
  close?: (timeoutMs: number) => Promise<void>;
}

/**
 * Every listener of the process: the runtime's HTTP and gRPC ports and the components' own.
 * Recording one logs `"msg":"listening"` with `listener` and `address` (what operators and the
 * test harness read). Names are unique: a second listener with a taken name is refused before
 * it binds.
 */
export class ListenerRegistry {
  readonly #entries: ListenerEntry[] = [];
  readonly #names = new Set<string>();
  readonly #logger: Logger;
  readonly #closeTimeoutMs: number;

  /** `closeTimeoutMs`: how long closing waits for open connections before cutting them. */
  constructor(options: { logger: Logger; closeTimeoutMs: number }) {
    this.#logger = options.logger;
    this.#closeTimeoutMs = options.closeTimeoutMs;
  }

  /** Every listener bound and not closed, in the order they were bound. */
  get bound(): BoundListener[] {
    return this.#entries.map((entry) => entry.bound);
  }

  /** Registers a listener that its owner binds and closes itself (the runtime's HTTP and gRPC). */
  register(bound: BoundListener, owner = "runtime"): void {
    this.reserve(bound.name);
    this.record({ bound, owner });
  }

  /** Claims `name` for a listener about to bind; a taken name is a typed error. */
  reserve(name: string): void {
    if (this.#names.has(name)) throw errListenerNameTaken.create({ listener: name });
    this.#names.add(name);
  }

  /** Records a bound listener whose name was reserved, and logs it. */
  record(entry: ListenerEntry): void {
    this.#entries.push(entry);
    this.#logger.info(
      { listener: entry.bound.name, address: entry.bound.address, owner: entry.owner },
      "listening",
    );
  }

  /** Forgets a listener (closed, or its bind failed) and frees its name. */
  release(name: string): void {
    this.#names.delete(name);
    const index = this.#entries.findIndex((entry) => entry.bound.name === name);
    if (index >= 0) this.#entries.splice(index, 1);
  }

  /**
   * Closes the listeners `owner` opened and has not closed, last opened first; a failure is
   * logged and does not keep the others open.
   */
  async closeOwned(owner: string): Promise<void> {
    const owned = this.#entries.filter((entry) => entry.owner === owner).reverse();
    for (const entry of owned) {
      try {
        await entry.close?.(this.#closeTimeoutMs);
      } catch (error) {
        this.#logger.warn({ listener: entry.bound.name, err: error }, "listener failed to close");
      }
      this.release(entry.bound.name);
    }
  }
}

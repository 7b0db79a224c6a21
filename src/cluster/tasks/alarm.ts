/**
 * A wait that ends after a time or when poked, whichever comes first. A poke while nobody waits
 * is kept for the next wait, so that a wake-up between two waits is not lost.
 */
export class Alarm {
  #poked = false;
  #wake: (() => void) | undefined;
  #until = Number.POSITIVE_INFINITY;

  wait(ms: number): Promise<void> {
    if (this.#poked) {
      this.#poked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        this.#until = Number.POSITIVE_INFINITY;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.#until = Date.now() + ms;
      this.#wake = done;
    });
  }

  /** Ends the current wait if it would last beyond `at` (epoch ms), or at once without `at`. */
  poke(at?: number): void {
    if (!this.#wake) this.#poked = true;
    else if (at === undefined || at < this.#until) this.#wake();
  }
}

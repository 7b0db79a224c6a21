/** What one reception learns from the {@link Deduplicator}. */
export type DeduplicationResult<T> =
  /** This reception opened the window; `collected` holds every reception of the window (this one first). */
  | { kind: "first"; collected: T[] }
  /** Another reception opened the window, on this or another instance; its caller gets this one. */
  | { kind: "duplicate" }
  /** The window had closed, but the key was seen within the cooldown after it. */
  | { kind: "late" };

/** How long a key's window and the cooldown after it last, per call. */
export interface DeduplicationWindow {
  /** Milliseconds from the first reception during which others are collected. */
  windowMs: number;
  /** Milliseconds after the window during which a reception is a late duplicate. */
  cooldownMs: number;
}

/**
 * Deduplication of receptions across instances (the same uplink heard by several gateways,
 * connected to different instances). The first reception of a key opens a window; receptions
 * of the same key within it are collected; exactly one caller in the cluster (the one whose
 * reception opened it) resolves with the collected set when the window closes; the others
 * resolve at once with `duplicate`. A reception in the cooldown after the window resolves with
 * `late`; after the cooldown the key is new again.
 */
export interface Deduplicator<T> {
  add(key: string, item: T, window: DeduplicationWindow): Promise<DeduplicationResult<T>>;
}

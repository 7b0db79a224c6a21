import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createContextKey, type HandlerContext } from "@connectrpc/connect";
import { errorNamespace } from "../errors/index.ts";

const errors = errorNamespace("api/cluster");

/** A cluster key in the configuration that is not hexadecimal bytes of a usable length. */
export const errMalformedClusterKey = errors.invalidArgument(
  "malformed_cluster_key",
  "cluster key {index} must be {min_bytes} to {max_bytes} bytes written as hexadecimal",
);

/**
 * The request header that carries the cluster key on every call between peers, as lower-case
 * hexadecimal. A header of its own, so that a peer call can also forward the `Authorization`
 * of the user it acts for.
 */
export const clusterKeyHeader = "lorastack-cluster-key";

/** Bytes a cluster key may have: 128 to 512 bits. */
export const clusterKeyBytes = { min: 16, max: 64 } as const;

/** Whether a text is a cluster key as configuration gives it (hex of 16 to 64 bytes). */
export function isClusterKeyHex(text: string): boolean {
  const length = text.length / 2;
  return (
    /^[0-9a-fA-F]*$/.test(text) &&
    text.length % 2 === 0 &&
    length >= clusterKeyBytes.min &&
    length <= clusterKeyBytes.max
  );
}

/** What a request's cluster key header says about it. */
export type ClusterKeyVerdict = "absent" | "valid" | "invalid";

/**
 * The keys of the cluster this process belongs to: every configured key is accepted from
 * peers (so keys can be rotated: add the new one everywhere, then make it first, then drop the
 * old one), the first is the one this process calls with. Without configured keys a random one
 * is generated, so that nobody outside the process can call its internal services.
 */
export class ClusterKeys {
  /** Whether the key was generated at start because none was configured. */
  readonly generated: boolean;
  /** The header value this process sends: its first key in hexadecimal. */
  readonly callKey: string;
  // SHA-256 of every accepted key: equal lengths, so every comparison takes the same time.
  readonly #digests: readonly Buffer[];

  private constructor(keys: readonly Buffer[], generated: boolean) {
    this.generated = generated;
    this.callKey = (keys[0] as Buffer).toString("hex");
    this.#digests = keys.map(digest);
  }

  /** The keys from configuration (hexadecimal); a random key when the list is empty. */
  static fromHex(keys: readonly string[]): ClusterKeys {
    if (keys.length === 0) return new ClusterKeys([randomBytes(32)], true);
    return new ClusterKeys(
      keys.map((key, index) => {
        if (!isClusterKeyHex(key))
          throw errMalformedClusterKey.create({
            index,
            min_bytes: clusterKeyBytes.min,
            max_bytes: clusterKeyBytes.max,
          });
        return Buffer.from(key, "hex");
      }),
      false,
    );
  }

  /**
   * Checks a cluster key header against every key, in constant time with respect to the
   * keys (each is compared, whatever the earlier ones gave).
   */
  check(headerValue: string | null | undefined): ClusterKeyVerdict {
    if (headerValue === null || headerValue === undefined) return "absent";
    const text = headerValue.trim();
    if (text.length > clusterKeyBytes.max * 2 || !/^(?:[0-9a-fA-F]{2})+$/.test(text))
      return "invalid";
    const presented = digest(Buffer.from(text, "hex"));
    let valid = false;
    for (const known of this.#digests) valid = timingSafeEqual(presented, known) || valid;
    return valid ? "valid" : "invalid";
  }
}

function digest(key: Buffer): Buffer {
  return createHash("sha256").update(key).digest();
}

/**
 * Set for calls from an authenticated peer: a valid cluster key, or a direct call within this
 * process. Handlers read it through {@link isPeerCall}.
 */
export const peerCallKey = createContextKey(false, { description: "call from a cluster peer" });

/** Whether the call came from an authenticated cluster peer (or from this process). */
export function isPeerCall(context: Pick<HandlerContext, "values">): boolean {
  return context.values.get(peerCallKey);
}

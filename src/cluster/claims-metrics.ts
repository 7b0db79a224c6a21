import { Gauge, type Registry } from "prom-client";
import type { Claim, ClaimRenewal, Claims } from "./claims.ts";

/**
 * The kind of a claim id: what comes before its first `:` (`gateway:<id>` → `gateway`), when
 * that is a short lowercase word, `other` otherwise, so that the label's values stay few
 * whatever the ids are.
 */
export function claimKind(id: string): string {
  const kind = id.slice(0, Math.max(0, id.indexOf(":")));
  return /^[a-z][a-z_-]{0,31}$/.test(kind) ? kind : "other";
}

/**
 * The claims with `lorastack_cluster_claims{kind}`: how many this instance holds now. A claim
 * counts from its claim to its release or until a renewal finds another holder (and again if
 * a later renewal restores it).
 */
export function countedClaims(claims: Claims, metrics: Registry): Claims {
  const gauge = new Gauge({
    name: "lorastack_cluster_claims",
    help: "Claims this instance holds in the cluster, by kind (gateway: gateway connections)",
    labelNames: ["kind"],
    registers: [metrics],
  });
  return {
    holder: (id) => claims.holder(id),
    async claim(id, ttlMs, options) {
      const claim = await claims.claim(id, ttlMs, options);
      if (!claim) return undefined;
      const labels = { kind: claimKind(id) };
      let held = true;
      gauge.inc(labels);
      const set = (now: boolean) => {
        if (now === held) return;
        held = now;
        if (now) gauge.inc(labels);
        else gauge.dec(labels);
      };
      const counted: Claim = {
        id: claim.id,
        async renew(): Promise<ClaimRenewal> {
          const renewal = await claim.renew();
          set(renewal !== "taken");
          return renewal;
        },
        async release() {
          await claim.release();
          set(false);
        },
      };
      return counted;
    },
  };
}

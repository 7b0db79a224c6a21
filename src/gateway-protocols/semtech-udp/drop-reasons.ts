/**
 * Why a datagram (or one part of a PUSH_DATA) was dropped: a fixed table, so that garbage costs
 * no Error, no stack and no message formatting. The frontend counts drops by these names.
 */
export const DROP_REASONS = {
  too_short: "shorter than the header of its packet type",
  too_long: "longer than its packet type allows (PULL_DATA is exactly 12 bytes)",
  bad_version: "protocol version is neither 1 nor 2",
  unknown_type: "packet type is none a gateway sends in this protocol version",
  downstream_type: "a server-to-gateway packet (PUSH_ACK, PULL_RESP, PULL_ACK)",
  bad_json: "JSON is malformed or its root is not an object",
  missing_field: "a mandatory field is absent",
  bad_field: "a field has the wrong type or is out of range",
  size_mismatch: "`size` differs from the length of the decoded `data`",
} as const;

export type DropReason = keyof typeof DROP_REASONS;

/** A dropped datagram. `field` names the offending JSON field (`txpk_ack.error`) when there is one. */
export interface Drop {
  readonly type: "drop";
  readonly reason: DropReason;
  readonly field?: string;
}

/** One dropped part of a PUSH_DATA whose other parts were kept. */
export interface PartDrop {
  readonly part: "rxpk" | "stat";
  /** Index in `rxpk` (0 for `stat`). */
  readonly index: number;
  readonly reason: DropReason;
  readonly field: string;
}

/** A field problem found while reading one JSON object: no allocation beyond this small record. */
export interface FieldProblem {
  readonly reason: "missing_field" | "bad_field" | "size_mismatch";
  readonly field: string;
}

const dropTable = {} as Record<DropReason, Drop>;
for (const reason of Object.keys(DROP_REASONS) as DropReason[]) {
  dropTable[reason] = Object.freeze({ type: "drop", reason });
}

/** The shared, frozen drop for a reason without a field: dropping garbage allocates nothing. */
export function drop(reason: DropReason): Drop {
  return dropTable[reason];
}

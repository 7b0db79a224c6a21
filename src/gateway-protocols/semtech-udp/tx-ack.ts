import type { FieldProblem } from "./drop-reasons.ts";
import { isObject } from "./fields.ts";

/**
 * `txpk_ack.error` values of both protocol documents (rev 1.4 and sx1302 rev 1.5, where
 * TX_POWER became a warning). "NONE" is success.
 */
export const TX_ACK_ERRORS = [
  "NONE",
  "TOO_LATE",
  "TOO_EARLY",
  "COLLISION_PACKET",
  "COLLISION_BEACON",
  "TX_FREQ",
  "TX_POWER",
  "GPS_UNLOCKED",
] as const;

/** A known error, or "UNKNOWN" for any other text (The Things Stack: UNKNOWN_ERROR). */
export type TxAckError = (typeof TX_ACK_ERRORS)[number] | "UNKNOWN";

/** The gateway's answer to a PULL_RESP. */
export interface TxAck {
  /** "NONE" when the downlink was accepted (also for a TX_ACK without JSON). */
  readonly error: TxAckError;
  /** The error text as sent when `error` is "UNKNOWN". */
  readonly errorText?: string;
  /** sx1302 `warn`: accepted with a limitation, e.g. "TX_POWER". */
  readonly warning?: string;
  /** sx1302 `value` with `warn`, e.g. the power actually used in dBm. */
  readonly warningValue?: number | string;
}

/** A TX_ACK without JSON or with an empty object: the real forwarder's success. */
export const TX_ACK_SUCCESS: TxAck = Object.freeze({ error: "NONE" });

const known = new Set<string>(TX_ACK_ERRORS);

/** Reads the TX_ACK root object (already parsed). */
export function readTxAck(root: Record<string, unknown>): TxAck | FieldProblem {
  const body = root.txpk_ack;
  if (body === undefined || body === null) return TX_ACK_SUCCESS;
  if (!isObject(body)) return { reason: "bad_field", field: "txpk_ack" };
  const { error, warn, value } = body;
  const ack: { -readonly [K in keyof TxAck]: TxAck[K] } = { error: "NONE" };
  if (error !== undefined && error !== null) {
    if (typeof error !== "string" || error.length > 64) {
      return { reason: "bad_field", field: "txpk_ack.error" };
    }
    if (known.has(error)) ack.error = error as TxAckError;
    else {
      ack.error = "UNKNOWN";
      ack.errorText = error;
    }
  }
  if (warn !== undefined && warn !== null) {
    if (typeof warn !== "string" || warn.length > 64) {
      return { reason: "bad_field", field: "txpk_ack.warn" };
    }
    ack.warning = warn;
  }
  if (value !== undefined && value !== null) {
    if (
      !(typeof value === "number" && Number.isFinite(value)) &&
      !(typeof value === "string" && value.length <= 64)
    ) {
      return { reason: "bad_field", field: "txpk_ack.value" };
    }
    ack.warningValue = value;
  }
  return ack;
}

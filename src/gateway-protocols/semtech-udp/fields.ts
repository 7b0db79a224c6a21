import type { FieldProblem } from "./drop-reasons.ts";
import { parseGatewayTime } from "./time.ts";

/** What a field reader returns for a value of the wrong type or range. */
export const INVALID: unique symbol = Symbol("invalid");

/** Reads one JSON value into its typed form, or INVALID. */
export type FieldReader = (value: unknown) => unknown;

/** One JSON field: its wire name, the property it becomes, how it is read. */
export interface FieldSpec {
  readonly wire: string;
  readonly property: string;
  readonly read: FieldReader;
  readonly required?: boolean;
}

const integerIn =
  (min: number, max: number): FieldReader =>
  (value) =>
    typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
      ? value
      : INVALID;

export const readUint8 = integerIn(0, 0xff);
export const readUint32 = integerIn(0, 0xffff_ffff);
export const readUnsigned = integerIn(0, Number.MAX_SAFE_INTEGER);

export const readFinite: FieldReader = (value) =>
  typeof value === "number" && Number.isFinite(value) ? value : INVALID;

export const finiteIn =
  (min: number, max: number): FieldReader =>
  (value) =>
    typeof value === "number" && value >= min && value <= max ? value : INVALID;

/** A string of at most `max` characters. */
export const stringUpTo =
  (max: number): FieldReader =>
  (value) =>
    typeof value === "string" && value.length <= max ? value : INVALID;

/** A time string as microseconds since the Unix epoch. */
export const readTime: FieldReader = (value) => {
  if (typeof value !== "string" || value.length > 40) return INVALID;
  return parseGatewayTime(value) ?? INVALID;
};

/**
 * Reads the fields of `specs` from `source` into `target`: absent (or null) optional fields are
 * left out, others read; the first problem is returned, named `prefix` + wire name.
 */
export function readFields(
  source: Record<string, unknown>,
  specs: readonly FieldSpec[],
  target: Record<string, unknown>,
  prefix: string,
): FieldProblem | undefined {
  for (const spec of specs) {
    const value = source[spec.wire];
    if (value === undefined || value === null) {
      if (spec.required === true) return { reason: "missing_field", field: prefix + spec.wire };
      continue;
    }
    const read = spec.read(value);
    if (read === INVALID) return { reason: "bad_field", field: prefix + spec.wire };
    target[spec.property] = read;
  }
  return undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * JSON with exact 64-bit integers. Basics Station writes `xtime`, `rctx`, `diid` and
 * `gpstime` as JSON integers that often exceed 2^53 (an xtime carries the session byte in
 * bits 48–55), where `JSON.parse` would round them. Node 24's reviver receives each number's
 * source text, and `JSON.rawJSON` writes a number's text as it is: with those, integers that
 * a double cannot hold become `bigint` on the way in, and every `bigint` is written exactly
 * on the way out.
 */

interface ReviverContext {
  readonly source?: string;
}

const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

const integerText = /^-?\d+$/;

// Doubles hold every integer of up to 15 digits exactly, so text without a run of 16 digits
// needs no reviver (the reviver costs a call per value).
const longDigitRun = /\d{16}/;

function reviveInteger(this: unknown, _key: string, value: unknown, context?: ReviverContext) {
  if (
    typeof value === "number" &&
    !Number.isSafeInteger(value) &&
    context?.source !== undefined &&
    integerText.test(context.source)
  )
    return BigInt(context.source);
  return value;
}

/**
 * Parses JSON text; integers beyond 2^53 come back as `bigint`, every other number as a
 * `number`. Returns `undefined` (never throws) when the text is not JSON: garbage from the
 * network is dropped without the cost of an error with a captured stack.
 */
export function parseJson(text: string): unknown {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return longDigitRun.test(text)
      ? JSON.parse(text, reviveInteger as (key: string, value: unknown) => unknown)
      : JSON.parse(text);
  } catch {
    return undefined;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function writeBigInt(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? rawJson(value.toString()) : value;
}

/** JSON text of `value`, with every `bigint` written as an exact JSON integer. */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value, writeBigInt);
}

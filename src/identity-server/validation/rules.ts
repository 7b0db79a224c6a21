/**
 * Rules for fields of API messages, each a function that throws {@link errValidation} naming
 * the field (`gateway.antennas[1].location.latitude`) and the reason, in the words of
 * The Things Stack's validation. Rules compose: `list(text({ max: 64 }), { max: 8 })`.
 */
import type { DescEnum } from "@bufbuild/protobuf";
import { errValidation } from "./errors.ts";

/** Checks one value; `field` is its API path for the error. */
export type Rule = (value: unknown, field: string) => void;

/** The rules of a message's fields by proto field name; unset fields are not checked. */
export type FieldTable = Readonly<Record<string, Rule>>;

function fail(field: string, reason: string): never {
  throw errValidation.create({ field, reason });
}

/** The proto field `name` of a protobuf-es message: its camelCase property. */
export function fieldValue(message: object, name: string): unknown {
  const property = name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
  return (message as Record<string, unknown>)[property];
}

/** The Things Stack's identifier rule: `^[a-z0-9](?:[-]?[a-z0-9]){2,}$`, at most 36 characters. */
export const idPattern = /^[a-z0-9](?:-?[a-z0-9]){2,}$/;

/** A host name with an optional port (`host`, `host:1234`), as TTS checks server addresses. */
const label = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?";
export const hostPortPattern = new RegExp(`^(?:${label}\\.)*${label}(?::[0-9]{1,5})?$`);
/** A gateway server address: a host with an optional port and an optional `scheme://`. */
export const schemeHostPortPattern = new RegExp(
  `^(?:[a-z]{2,5}://)?(?:${label}\\.)*${label}(?::[0-9]{1,5})?$`,
);

/**
 * Text: at most `max` characters (code points, as The Things Stack counts runes), matching
 * `pattern` when given. `optional`: the empty string passes whatever the pattern.
 */
export function text(options: {
  max?: number;
  pattern?: RegExp;
  describe?: string;
  optional?: boolean;
}): Rule {
  return (value, field) => {
    if (typeof value !== "string") return fail(field, "value must be text");
    if (value === "" && options.optional) return;
    const { max, pattern } = options;
    // Only long strings need counting code points (a code point is at most 2 UTF-16 units).
    if (max !== undefined && value.length > max && [...value].length > max)
      fail(field, `value length must be at most ${max} characters`);
    if (pattern && !pattern.test(value))
      fail(field, `value must ${options.describe ?? `match the pattern ${pattern.source}`}`);
  };
}

/** An identifier (`^[a-z0-9](?:[-]?[a-z0-9]){2,}$`, at most 36 characters); empty allowed when `optional`. */
export function id(options: { optional?: boolean } = {}): Rule {
  return text({
    max: 36,
    pattern: idPattern,
    describe: "be an ID (a-z, 0-9 and single dashes, 3 to 36 characters)",
    ...options,
  });
}

/** A server address: `host[:port]`, or empty. */
export const address = text({
  max: 256,
  pattern: hostPortPattern,
  describe: "be host or host:port",
  optional: true,
});

/** A number within [min, max]; never NaN or infinite. */
export function number(options: { min?: number; max?: number; integer?: boolean } = {}): Rule {
  return (value, field) => {
    if (typeof value !== "number" || !Number.isFinite(value))
      return fail(field, "value must be a finite number");
    const { min = -Infinity, max = Infinity } = options;
    if (value < min || value > max) fail(field, `value must be inside range [${min}, ${max}]`);
    if (options.integer && !Number.isInteger(value)) fail(field, "value must be a whole number");
  };
}

/** A value of the enum (by number), not an unknown number. */
export function enumValue(schema: DescEnum): Rule {
  const numbers = new Set(schema.values.map((value) => value.number));
  return (value, field) => {
    if (typeof value !== "number" || !numbers.has(value))
      fail(field, `value must be one of the defined ${schema.name} values`);
  };
}

/** Bytes: at most `max` of them. */
export function bytes(options: { max: number }): Rule {
  return (value, field) => {
    if (!(value instanceof Uint8Array)) return fail(field, "value must be bytes");
    if (value.length > options.max)
      fail(field, `value length must be at most ${options.max} bytes`);
  };
}

/** A list: at most `max` items (at least `min`), each checked by `item`, unique if asked. */
export function list(
  item: Rule | undefined,
  options: { max: number; min?: number; unique?: boolean },
): Rule {
  return (value, field) => {
    if (!Array.isArray(value)) return fail(field, "value must be a list");
    if (value.length > options.max)
      fail(field, `value must contain no more than ${options.max} item(s)`);
    if (options.min !== undefined && value.length < options.min)
      fail(field, `value must contain at least ${options.min} item(s)`);
    if (options.unique && new Set(value).size !== value.length)
      fail(field, "repeated value must contain unique items");
    if (item) for (const [index, element] of value.entries()) item(element, `${field}[${index}]`);
  };
}

/** A map: at most `max` pairs, each key and value checked. */
export function map(options: { max: number; key: Rule; value?: Rule }): Rule {
  return (value, field) => {
    if (typeof value !== "object" || value === null) return fail(field, "value must be a map");
    const entries = Object.entries(value);
    if (entries.length > options.max)
      fail(field, `value must contain no more than ${options.max} pair(s)`);
    for (const [key, item] of entries) {
      options.key(key, `${field} key ${JSON.stringify(key.slice(0, 40))}`);
      options.value?.(item, `${field}.${key}`);
    }
  };
}

/** A nested message, its fields checked by `table`. */
export function message(table: FieldTable): Rule {
  return (value, field) => {
    if (value === undefined || value === null) return;
    if (typeof value !== "object") return fail(field, "value must be a message");
    checkFields(table, value, field);
  };
}

/** Both rules. */
export function all(...rules: Rule[]): Rule {
  return (value, field) => {
    for (const rule of rules) rule(value, field);
  };
}

/** A custom condition with its reason. */
export function check(condition: (value: unknown) => boolean, reason: string): Rule {
  return (value, field) => {
    if (!condition(value)) fail(field, reason);
  };
}

/**
 * Checks the fields of `message` named in `table`: all of them, or only those whose proto name
 * is in `only` (the top-level fields of an update's field mask). Unset message fields are
 * skipped; scalars are checked whatever their value.
 */
export function checkFields(
  table: FieldTable,
  message: object,
  prefix: string,
  only?: ReadonlySet<string>,
): void {
  for (const [name, rule] of Object.entries(table)) {
    if (only && !only.has(name)) continue;
    const value = fieldValue(message, name);
    if (value === undefined || value === null) continue;
    rule(value, prefix ? `${prefix}.${name}` : name);
  }
}

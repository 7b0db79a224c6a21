import type { DescEnum } from "@bufbuild/protobuf";
import { enumAliases } from "./enum-aliases.ts";

/** A base-10 integer as Go's `strconv.ParseInt` reads it: an optional sign, then digits. */
const INTEGER_TEXT = /^[+-]?[0-9]+$/;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * The number a JSON string stands for in the enum `typeName`, read as The Things Stack reads
 * it: a value name (looked up by `valueNamed`, from the enum's descriptor), else one of TTS's
 * aliases for that enum ({@link enumAliases}), else a base-10 int32. `undefined` when it is
 * none of these. Whether the number is a value of the enum is the caller's question.
 */
export function enumNumberFromText(
  typeName: string,
  text: string,
  valueNamed: (name: string) => number | undefined = () => undefined,
): number | undefined {
  const named = valueNamed(text) ?? enumAliases.get(typeName)?.get(text);
  if (named !== undefined) return named;
  if (!INTEGER_TEXT.test(text)) return undefined;
  const number = Number(text);
  if (number < INT32_MIN || number > INT32_MAX) return undefined;
  return number === 0 ? 0 : number; // "-0" is 0
}

const namesByEnum = new WeakMap<DescEnum, Map<string, number>>();

/** Looks a value of the enum up by its name (every name, for enums with `allow_alias`). */
export function enumValueNamed(descEnum: DescEnum): (name: string) => number | undefined {
  let names = namesByEnum.get(descEnum);
  if (names === undefined) {
    names = new Map(descEnum.values.map((value) => [value.name, value.number]));
    namesByEnum.set(descEnum, names);
  }
  const found = names;
  return (name) => found.get(name);
}

/** Whether `number` is a declared value of the enum. */
export function isEnumValue(descEnum: DescEnum, number: number): boolean {
  return descEnum.values.some((value) => value.number === number);
}

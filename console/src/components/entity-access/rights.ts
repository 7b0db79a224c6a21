import { type EntityKind, grantableRightKinds } from "./entity.ts";

/** A right the picker offers, with a readable label. */
export type RightOption = { name: string; label: string };

/** The rights of one kind (`GATEWAY`, ...), as the picker groups them. */
export type RightGroup = { kind: string; label: string; rights: RightOption[] };

const acronyms = new Set(["api"]);

/** Whether `name` is a pseudo-right that stands for all current and future rights of a kind. */
export function isPseudoRight(name: string): boolean {
  return name === "RIGHT_ALL" || name.endsWith("_ALL");
}

/** The kind of a right name: `RIGHT_GATEWAY_INFO` → `GATEWAY`; universal rights → `""`. */
export function rightKindOf(name: string): string {
  const match = /^RIGHT_(USER|APPLICATION|GATEWAY|ORGANIZATION|CLIENT)_/.exec(name);
  return match?.[1] ?? "";
}

function words(text: string): string {
  const parts = text
    .toLowerCase()
    .split("_")
    .filter((part) => part !== "")
    .map((part) => (acronyms.has(part) ? part.toUpperCase() : part));
  const sentence = parts.join(" ");
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/** `RIGHT_GATEWAY_SETTINGS_API_KEYS` → "Settings API keys"; the kind's own prefix is dropped. */
export function rightLabel(name: string): string {
  const kind = rightKindOf(name);
  const rest = kind === "" ? name.replace(/^RIGHT_/, "") : name.slice(`RIGHT_${kind}_`.length);
  return words(rest);
}

/** `APPLICATION` → "Application rights". */
export function kindLabel(kind: string): string {
  return kind === "" ? "Other rights" : `${words(kind)} rights`;
}

/**
 * The individual rights the caller may grant on an entity of `kind`, grouped by right kind in
 * the order the entity's own kind comes first. Pseudo-rights are left out (the picker offers them
 * as one "all current and future rights" switch), and so are rights of kinds the entity cannot
 * hold (the server would refuse them).
 */
export function groupRights(held: readonly string[], kind: EntityKind): RightGroup[] {
  const kinds = grantableRightKinds(kind);
  const groups: RightGroup[] = [];
  for (const rightKind of kinds) {
    const rights = [...new Set(held)]
      .filter((name) => !isPseudoRight(name) && rightKindOf(name) === rightKind)
      .sort()
      .map((name) => ({ name, label: rightLabel(name) }));
    if (rights.length > 0) groups.push({ kind: rightKind, label: kindLabel(rightKind), rights });
  }
  return groups;
}

/**
 * The pseudo-rights (`RIGHT_GATEWAY_ALL`, ...) the caller holds that can be granted on an entity
 * of `kind`: what "all current and future rights" grants. Empty when the caller holds none.
 */
export function pseudoRightsFor(held: readonly string[], kind: EntityKind): string[] {
  const kinds = grantableRightKinds(kind);
  return [...new Set(held)]
    .filter((name) => name !== "RIGHT_ALL" && isPseudoRight(name))
    .filter((name) => kinds.includes(rightKindOf(name)))
    .sort((a, b) => kinds.indexOf(rightKindOf(a)) - kinds.indexOf(rightKindOf(b)));
}

/** Whether a set of rights includes "all current and future rights" of some kind. */
export function grantsAll(rights: readonly string[]): boolean {
  return rights.some(isPseudoRight);
}

/** A short summary for tables: "All rights", "All gateway rights + 2", "3 rights". */
export function summarizeRights(rights: readonly string[]): string {
  if (rights.includes("RIGHT_ALL")) return "All rights";
  const pseudo = rights.filter(isPseudoRight);
  const single = rights.filter((name) => !isPseudoRight(name));
  const count = `${single.length} ${single.length === 1 ? "right" : "rights"}`;
  if (pseudo.length === 0) return count;
  const all = pseudo.map((name) => `all ${rightKindOf(name).toLowerCase()}`).join(", ");
  const text = `${all.charAt(0).toUpperCase()}${all.slice(1)} rights`;
  return single.length === 0 ? text : `${text} + ${count}`;
}

/**
 * Rights from a TTS JSON response: names as TTS writes them. Anything else (a number from a
 * server that writes enums by number, garbage) is dropped rather than shown as a broken option.
 */
export function rightNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is string => typeof item === "string" && /^RIGHT_[A-Z_]+$/.test(item),
  );
}

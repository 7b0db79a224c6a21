import { type Command, Option } from "commander";
import {
  type EntityKind,
  potentialRights,
  type RightName,
  rightDefinitions,
} from "../auth/rights/index.ts";

/** `RIGHT_APPLICATION_INFO` → `right-application-info`, ttn-lw-cli's flag of a right. */
export function rightFlag(right: RightName): string {
  return right.toLowerCase().replaceAll("_", "-");
}

/** The commander attribute of a right's flag: `rightApplicationInfo`. */
function rightAttribute(right: RightName): string {
  return rightFlag(right).replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * The rights that keys and collaborators of `kind` can hold, in the rights table's order:
 * what the Identity Server accepts on that kind (an organization's key can hold application
 * rights, a user's any right, `RIGHT_ALL` and `RIGHT_SEND_INVITES` included).
 */
export function grantableRights(kind: EntityKind): RightName[] {
  const potential = potentialRights(kind);
  return rightDefinitions
    .filter((row) => potential.has(row.name) || (kind === "user" && row.kind === "universal"))
    .map((row) => row.name);
}

/** Adds `--right-<x>` for each right of {@link grantableRights}. */
export function addRightsOptions(command: Command, kind: EntityKind): void {
  for (const right of grantableRights(kind)) {
    command.addOption(new Option(`--${rightFlag(right)}`, `grant ${right}`));
  }
}

/** The rights whose flags were given. */
export function rightsFromFlags(kind: EntityKind, flags: Record<string, unknown>): RightName[] {
  return grantableRights(kind).filter((right) => flags[rightAttribute(right)] === true);
}

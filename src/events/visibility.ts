import type { RightName } from "../auth/rights/index.ts";
import { applicationOfDevice, type EntityRef, type StackEvent } from "./event.ts";

/** The rights the caller holds on an entity, as far as they are known (`undefined`: none). */
export type HeldRights = (entity: EntityRef) => ReadonlySet<RightName> | undefined;

/**
 * Whether the caller may see the event (The Things Stack's `EventIsVisible`): it holds one of
 * the event's visibility rights on one of the event's entities, an end device's rights being its
 * application's. An event without visibility rights is visible to nobody.
 */
export function isVisible(event: StackEvent, held: HeldRights): boolean {
  if (event.visibility.length === 0) return false;
  for (const ref of event.identifiers) {
    if (holdsAny(held(ref), event.visibility)) return true;
    const application = applicationOfDevice(ref);
    if (application && holdsAny(held(application), event.visibility)) return true;
  }
  return false;
}

function holdsAny(held: ReadonlySet<RightName> | undefined, wanted: readonly RightName[]): boolean {
  return held !== undefined && wanted.some((right) => held.has(right));
}

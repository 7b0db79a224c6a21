import type { EntityRef } from "../auth/entity.ts";
import type { RightName } from "../auth/rights/index.ts";

/**
 * The entities an event can be about: the same references as authentication and rights use
 * (src/auth/entity.ts), end devices as `<application_id>.<device_id>`.
 */
export type { EntityRef, EntityRefKind as EntityKind } from "../auth/entity.ts";

/**
 * An event as The Things Stack defines it: the name of its definition (`application.create`,
 * `gs.up.receive`), the entities it is about, optional data of the definition's data type, and
 * the rights a subscriber needs on one of those entities to see it.
 */
export interface StackEvent {
  name: string;
  time: Date;
  identifiers: readonly EntityRef[];
  /** A message of the definition's data type, or plain JSON for JSON data; absent when none. */
  data?: unknown;
  correlationIds: readonly string[];
  /** Host (or instance) that published it. */
  origin: string;
  /** Any one of these rights on one of the identifiers makes the event visible. */
  visibility: readonly RightName[];
  /** Unique id of the event. */
  uniqueId: string;
}

/** The key of an entity in maps and indexes: `application:app-1`. */
export function entityKey(ref: EntityRef): string {
  return `${ref.kind}:${ref.id}`;
}

/**
 * The application of an end device (`app-1` of `app-1.dev-1`): rights on a device are rights on
 * its application, and subscribers of an application see the events of its devices.
 */
export function applicationOfDevice(ref: EntityRef): EntityRef | undefined {
  if (ref.kind !== "end_device") return undefined;
  const dot = ref.id.indexOf(".");
  return { kind: "application", id: dot < 0 ? ref.id : ref.id.slice(0, dot) };
}

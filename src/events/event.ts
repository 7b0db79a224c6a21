/** The kinds of entity an event can be about, as The Things Stack names them in identifiers. */
export type EntityKind =
  | "user"
  | "organization"
  | "application"
  | "gateway"
  | "client"
  | "end_device";

/** One entity an event is about. End devices are `<application_id>.<device_id>`. */
export interface EntityRef {
  kind: EntityKind;
  id: string;
}

/**
 * An event as The Things Stack defines it: a name such as `application.create` or
 * `gs.up.receive`, the entities it is about, optional data, and the rights a subscriber needs
 * on one of those entities to see it.
 */
export interface StackEvent {
  name: string;
  time: Date;
  identifiers: readonly EntityRef[];
  data?: unknown;
  correlationIds: readonly string[];
  /** Host (or instance) that published it. */
  origin: string;
  /** Any one of these rights on one of the identifiers makes the event visible. */
  visibility: readonly string[];
  /** Unique id of the event. */
  uniqueId: string;
}

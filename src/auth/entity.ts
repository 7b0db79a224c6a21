/** The kinds of entity that rights are held on (an end device counts as its application). */
export type EntityRefKind =
  | "user"
  | "organization"
  | "application"
  | "gateway"
  | "client"
  | "end_device";

/**
 * One entity, as authentication and rights name it; end devices are
 * `<application_id>.<device_id>`. Events name their entities with the same type (src/events
 * re-exports it); it lives here so that src/auth depends on nothing but src/errors and the API
 * definitions.
 */
export interface EntityRef {
  kind: EntityRefKind;
  id: string;
}

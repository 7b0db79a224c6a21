import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("identity-server/store");

/** `kind` is the entity kind in words (`user`, `end device`, `API key`), `id` its identifier. */
export const errNotFound = errors.notFound("not_found", "{kind} {id} not found");
/** An entity's ID is in use, possibly by a soft-deleted entity that was not purged yet. */
export const errIdTaken = errors.alreadyExists("id_taken", "{kind} ID {id} already exists");
/** Users and organizations share one namespace of IDs. */
export const errAccountIdTaken = errors.alreadyExists(
  "account_id_taken",
  "ID {id} is already taken by {taken_by}",
);
export const errGatewayEuiTaken = errors.alreadyExists(
  "gateway_eui_taken",
  "gateway EUI {gateway_eui} is already registered",
);
export const errEndDeviceEuisTaken = errors.alreadyExists(
  "end_device_euis_taken",
  "an end device with JoinEUI {join_eui} and DevEUI {dev_eui} already exists",
);
export const errEmailTaken = errors.alreadyExists(
  "email_taken",
  "email address {email} is already used by another user",
);
export const errNotDeleted = errors.failedPrecondition("not_deleted", "{kind} {id} is not deleted");
export const errFieldNotUpdatable = errors.invalidArgument(
  "field_not_updatable",
  "field {field} of {kind} cannot be updated",
);
export const errInvalidMembership = errors.invalidArgument(
  "invalid_membership",
  "{account_kind} {account_id} cannot be a member of {entity_kind} {entity_id}",
);
export const errLastSeenBatchTooLarge = errors.invalidArgument(
  "last_seen_batch_too_large",
  "{count} last-seen updates in one batch; at most {max}",
);

import type { RightsInvalidation } from "./cached-rights-fetcher.ts";
import type { EntityRef } from "./entity.ts";

/** What an event that changes rights drops from a rights cache, by event name. */
const invalidations: readonly {
  name: RegExp;
  apply: (invalidation: RightsInvalidation, identifiers: readonly EntityRef[]) => void;
}[] = [
  // A key's rights changed or it is gone; the events name the key's entity, not the key.
  { name: /^[a-z_]+\.api-key\.(update|delete)$/, apply: entities },
  { name: /^[a-z_]+\.collaborator\.(update|delete)$/, apply: entities },
  // Admin flag, state, deletion of a user: its keys, tokens and rights.
  { name: /^user\.(update|delete|restore|purge)$/, apply: users },
  // Keys of a deleted entity stop working, and work again once it is restored.
  { name: /^(application|gateway|organization|client)\.(delete|restore|purge)$/, apply: entities },
  // Revoked OAuth tokens: the answers kept for the user's credentials.
  { name: /^oauth\.token\.deleted$/, apply: users },
  // An OAuth client's rights bound every token issued to it; tokens are not tagged by client.
  { name: /^client\.update$/, apply: (invalidation) => invalidation.invalidateAll() },
];

/**
 * Applies the invalidation an event calls for (`application.api-key.delete`,
 * `organization.collaborator.update`, `user.update`, ...); other events change nothing. For
 * the code that delivers the Identity Server's events to a {@link RightsInvalidation}.
 */
export function invalidateForEvent(
  invalidation: RightsInvalidation,
  event: { name: string; identifiers: readonly EntityRef[] },
): void {
  for (const row of invalidations)
    if (row.name.test(event.name)) row.apply(invalidation, event.identifiers);
}

function entities(invalidation: RightsInvalidation, identifiers: readonly EntityRef[]): void {
  for (const entity of identifiers) invalidation.invalidateEntity(entity);
}

function users(invalidation: RightsInvalidation, identifiers: readonly EntityRef[]): void {
  for (const entity of identifiers)
    if (entity.kind === "user") invalidation.invalidateUser(entity.id);
}

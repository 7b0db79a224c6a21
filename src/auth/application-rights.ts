import { errNoCredentials, errNoRights } from "./errors.ts";
import { type RightName, requireRights } from "./rights/index.ts";
import type { RightsFetcher } from "./rights-fetcher.ts";

/**
 * Requires `required` of a caller (its `Authorization` header) on an application, as the
 * Network, Application and Join Server registries do: an end device's rights are its
 * application's. Throws the auth errors.
 */
export async function requireApplicationRights(
  rights: RightsFetcher,
  authorization: string | null,
  applicationId: string,
  required: readonly RightName[],
): Promise<void> {
  if (!authorization) throw errNoCredentials.create();
  const held = await rights.rightsOn(authorization, { kind: "application", id: applicationId });
  if (held.size === 0)
    throw errNoRights.create({ entity_kind: "application", entity_id: applicationId });
  requireRights(held, required);
}

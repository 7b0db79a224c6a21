import type { HandlerContext } from "@connectrpc/connect";
import { errNoCredentials, errNoRights } from "../../auth/errors.ts";
import { type RightName, requireRights } from "../../auth/rights/index.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";

/**
 * Requires `required` of the caller (the request's `Authorization`) on an application: an end
 * device's rights are its application's. Throws the auth errors.
 */
export async function requireApplicationRights(
  rights: RightsFetcher,
  handler: HandlerContext,
  applicationId: string,
  required: readonly RightName[],
): Promise<void> {
  const authorization = handler.requestHeader.get("authorization");
  if (!authorization) throw errNoCredentials.create();
  const held = await rights.rightsOn(authorization, { kind: "application", id: applicationId });
  if (held.size === 0)
    throw errNoRights.create({ entity_kind: "application", entity_id: applicationId });
  requireRights(held, required);
}

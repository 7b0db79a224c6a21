/**
 * INTERIM: a RightsFetcher answered from the Identity Server's registries in the process
 * database, the way the Identity Server's own services authorize. It stands in until the
 * RightsFetcher of `src/auth` is on `ComponentContext.rights`; the runtime should then pass
 * that one to the events stream and this file goes. It knows API keys only: OAuth access
 * tokens are validated by the Identity Server's OAuth provider, which this does not reach.
 */
import { authenticate } from "../api/auth/authenticate.ts";
import { rightsOn } from "../api/auth/authorize.ts";
import type { Caller } from "../api/auth/caller.ts";
import { errNoCredentials } from "../api/auth/errors.ts";
import type { RightsFetcher } from "../auth/rights-fetcher.ts";
import { identityStores } from "../identity-server/identity-server.ts";
import { adminRights, type RightName } from "../identity-server/rights/index.ts";
import { storeAccessLookup } from "../identity-server/services/context.ts";
import type { Database } from "../storage/index.ts";

/** Rights from the registries in `database` (API keys only; see the file comment). */
export function interimRightsFetcher(database: Database): RightsFetcher {
  const lookup = storeAccessLookup(identityStores({ database }));
  const callerOf = async (authorization: string): Promise<Caller> => {
    const caller = await authenticate(authorization, lookup);
    if (!caller) throw errNoCredentials.create();
    return caller;
  };
  return {
    async authInfo(authorization) {
      const caller = await callerOf(authorization);
      const userId =
        caller.kind === "user"
          ? caller.userId
          : caller.owner.kind === "user"
            ? caller.owner.id
            : undefined;
      const isAdmin = userId !== undefined && (await lookup.user(userId))?.admin === true;
      const universalRights = new Set<RightName>(isAdmin ? adminRights : []);
      return { caller, isAdmin, universalRights };
    },
    async rightsOn(authorization, entity) {
      return rightsOn(await callerOf(authorization), entity, lookup);
    },
  };
}

import { migration0001Metadata } from "./0001-metadata.ts";
import { migration0002IdentityServer } from "./0002-identity-server.ts";
import { migration0003OAuth } from "./0003-oauth.ts";
import { migration0004ClusterTasks } from "./0004-cluster-tasks.ts";
import { migration0005OAuthHardening } from "./0005-oauth-hardening.ts";
import { migration0006UserFeatures } from "./0006-user-features.ts";
import { migration0007IdentityServerSearch } from "./0007-identity-server-search.ts";
import { migration0008Events } from "./0008-events.ts";
import { migration0009DevEuiAndOAuthOwners } from "./0009-dev-eui-and-oauth-owners.ts";
import { migration0010JoinServer } from "./0010-join-server.ts";
import { migration0011NetworkServer } from "./0011-network-server.ts";
import { migration0012ApplicationServer } from "./0012-application-server.ts";
import { migration0013ApplicationWebhooks } from "./0013-application-webhooks.ts";
import { migration0014NetworkServerOutbox } from "./0014-network-server-outbox.ts";
import { migration0015ApplicationPubSubs } from "./0015-application-pubsubs.ts";
import { migration0016ApplicationStorage } from "./0016-application-storage.ts";
import { migration0017ApplicationPackages } from "./0017-application-packages.ts";
import { migration0018EndDeviceLastSeen } from "./0018-end-device-last-seen.ts";
import type { Migration } from "./migration.ts";

/** Every migration, in the order it applies. Append only: never edit or reorder a released one. */
export const migrations: readonly Migration[] = [
  migration0001Metadata,
  migration0002IdentityServer,
  migration0003OAuth,
  migration0004ClusterTasks,
  migration0005OAuthHardening,
  migration0006UserFeatures,
  migration0007IdentityServerSearch,
  migration0008Events,
  migration0009DevEuiAndOAuthOwners,
  migration0010JoinServer,
  migration0011NetworkServer,
  migration0012ApplicationServer,
  migration0013ApplicationWebhooks,
  migration0014NetworkServerOutbox,
  migration0015ApplicationPubSubs,
  migration0016ApplicationStorage,
  migration0017ApplicationPackages,
  migration0018EndDeviceLastSeen,
];

export { bytesType, type Migration, timestampType } from "./migration.ts";

import { ApplicationPubSubSchema } from "../../gen/ttn/lorawan/v3/applicationserver_pubsub_pb.js";
import { messageTableMigration } from "../message-store/spec.ts";
import type { Migration } from "./migration.ts";

/**
 * The Application Server's pub/subs: `as_pubsubs`, one `ApplicationPubSub` message per
 * application and pub/sub ID. The layout is written out here rather than imported from the
 * registry (src/application-server/pubsubs/table.ts), so that this migration never changes.
 */
export const migration0015ApplicationPubSubs: Migration = {
  name: "0015-application-pubsubs",
  up: messageTableMigration({
    table: "as_pubsubs",
    schema: ApplicationPubSubSchema,
    keyColumns: ["application_id", "pub_sub_id"],
    key: () => [],
    indexes: [],
  }),
};

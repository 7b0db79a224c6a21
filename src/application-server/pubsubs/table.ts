import { ApplicationPubSubSchema } from "../../gen/ttn/lorawan/v3/applicationserver_pubsub_pb.js";
import type { MessageTableSpec } from "../../storage/message-store/index.ts";

/** The pub/subs' table (migration 0015): one message per application and pub/sub ID. */
export const pubSubTable: MessageTableSpec<typeof ApplicationPubSubSchema> = {
  table: "as_pubsubs",
  schema: ApplicationPubSubSchema,
  keyColumns: ["application_id", "pub_sub_id"],
  key: (pubsub) => [pubsub.ids?.applicationIds?.applicationId ?? "", pubsub.ids?.pubSubId ?? ""],
  indexes: [],
};

import { ApplicationWebhookSchema } from "../../gen/ttn/lorawan/v3/applicationserver_web_pb.js";
import { messageTableMigration } from "../message-store/spec.ts";
import type { Migration } from "./migration.ts";

/**
 * The Application Server's webhooks: `as_webhooks`, one `ApplicationWebhook` message per
 * application and webhook ID. The layout is written out here rather than imported from the
 * registry (src/application-server/webhooks/table.ts), so that this migration never changes.
 */
export const migration0013ApplicationWebhooks: Migration = {
  name: "0013-application-webhooks",
  up: messageTableMigration({
    table: "as_webhooks",
    schema: ApplicationWebhookSchema,
    keyColumns: ["application_id", "webhook_id"],
    key: () => [],
    indexes: [],
  }),
};

import { ApplicationWebhookSchema } from "../../gen/ttn/lorawan/v3/applicationserver_web_pb.js";
import type { MessageTableSpec } from "../../storage/message-store/index.ts";

/** The webhooks' table (migration 0013): one message per application and webhook ID. */
export const webhookTable: MessageTableSpec<typeof ApplicationWebhookSchema> = {
  table: "as_webhooks",
  schema: ApplicationWebhookSchema,
  keyColumns: ["application_id", "webhook_id"],
  key: (webhook) => [
    webhook.ids?.applicationIds?.applicationId ?? "",
    webhook.ids?.webhookId ?? "",
  ],
  indexes: [],
};

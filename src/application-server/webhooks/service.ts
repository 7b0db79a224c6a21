import { create } from "@bufbuild/protobuf";
import { EmptySchema, timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { requireApplicationRights } from "../../auth/application-rights.ts";
import type { RightName } from "../../auth/rights/index.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import {
  type ApplicationWebhook,
  ApplicationWebhookFormatsSchema,
  type ApplicationWebhookRegistry,
  ApplicationWebhookSchema,
  ApplicationWebhooksSchema,
} from "../../gen/ttn/lorawan/v3/applicationserver_web_pb.js";
import { applyFieldMask, mergeFieldMask } from "../../storage/message-store/index.ts";
import { errInvalidField, errWebhookNotFound } from "./errors.ts";
import type { WebhookKey, WebhookRegistry } from "./registry.ts";
import { formats } from "./request.ts";
import { checkWebhook, checkWebhookId } from "./validate.ts";

// As The Things Stack: reading needs the traffic-read right, changing also the settings and
// downlink rights (a webhook reads traffic and its downlink API key writes downlinks).
const readRights: RightName[] = ["RIGHT_APPLICATION_TRAFFIC_READ"];
const writeRights: RightName[] = [
  "RIGHT_APPLICATION_SETTINGS_BASIC",
  "RIGHT_APPLICATION_TRAFFIC_READ",
  "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE",
];
// Always returned, whatever the field mask (as The Things Stack's).
const implicitPaths = ["ids", "created_at", "updated_at"];
// Written by the Application Server only.
const readOnlyPaths = new Set(["ids", "created_at", "updated_at", "health_status"]);
const isReadOnly = (path: string) => readOnlyPaths.has(path.split(".")[0] as string);

function keyOf(
  ids: { applicationIds?: { applicationId: string }; webhookId: string } | undefined,
  field: string,
): WebhookKey {
  const applicationId = ids?.applicationIds?.applicationId ?? "";
  if (!applicationId)
    throw errInvalidField.create({
      field: `${field}.application_ids`,
      reason: "an application ID is required",
    });
  checkWebhookId(ids?.webhookId ?? "");
  return { applicationId, webhookId: ids?.webhookId ?? "" };
}

const visible = (webhook: ApplicationWebhook, paths: readonly string[]) =>
  applyFieldMask(ApplicationWebhookSchema, webhook, [...implicitPaths, ...paths]);

/** `ApplicationWebhookRegistry`: an application's webhooks, with The Things Stack's rights. */
export function webhookRegistryService(options: {
  registry: WebhookRegistry;
  rights: RightsFetcher;
  now?: () => number;
}): Partial<ServiceImpl<typeof ApplicationWebhookRegistry>> {
  const { registry, rights } = options;
  const now = options.now ?? Date.now;
  const authorize = (authorization: string | null, applicationId: string, required: RightName[]) =>
    requireApplicationRights(rights, authorization, applicationId, required);

  return {
    async getFormats() {
      return create(ApplicationWebhookFormatsSchema, {
        formats: Object.fromEntries(
          Object.entries(formats).map(([name, format]) => [name, format.description]),
        ),
      });
    },

    async get(request, handler) {
      const key = keyOf(request.ids, "ids");
      await authorize(handler.requestHeader.get("authorization"), key.applicationId, readRights);
      const webhook = await registry.get(key);
      if (!webhook)
        throw errWebhookNotFound.create({
          application_id: key.applicationId,
          webhook_id: key.webhookId,
        });
      return visible(webhook, request.fieldMask?.paths ?? []);
    },

    async list(request, handler) {
      const applicationId = request.applicationIds?.applicationId ?? "";
      await authorize(handler.requestHeader.get("authorization"), applicationId, readRights);
      const paths = request.fieldMask?.paths ?? [];
      const webhooks = await registry.list(applicationId);
      return create(ApplicationWebhooksSchema, {
        webhooks: webhooks.map((webhook) => visible(webhook, paths)),
      });
    },

    async set(request, handler) {
      const given = request.webhook ?? create(ApplicationWebhookSchema);
      const key = keyOf(given.ids, "webhook.ids");
      await authorize(handler.requestHeader.get("authorization"), key.applicationId, writeRights);
      const paths = (request.fieldMask?.paths ?? []).filter((path) => !isReadOnly(path));
      const stored = await registry.update(key, (current) => {
        const at = timestampFromMs(now());
        const base =
          current ??
          create(ApplicationWebhookSchema, {
            ids: { applicationIds: { applicationId: key.applicationId }, webhookId: key.webhookId },
            createdAt: at,
            format: "json",
          });
        const next = mergeFieldMask(ApplicationWebhookSchema, base, given, paths);
        next.updatedAt = at;
        checkWebhook(next);
        return next;
      });
      if (!stored) throw new Error("the registry stored no webhook for a set");
      return visible(stored, paths);
    },

    async delete(request, handler) {
      const key = keyOf(request, "ids");
      await authorize(handler.requestHeader.get("authorization"), key.applicationId, writeRights);
      let found = false;
      await registry.update(key, (current) => {
        found = current !== undefined;
        return null;
      });
      if (!found)
        throw errWebhookNotFound.create({
          application_id: key.applicationId,
          webhook_id: key.webhookId,
        });
      return create(EmptySchema);
    },
  };
}

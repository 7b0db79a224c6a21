import { create } from "@bufbuild/protobuf";
import { EmptySchema, timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { requireApplicationRights } from "../../auth/application-rights.ts";
import type { RightName } from "../../auth/rights/index.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import {
  type ApplicationPubSub,
  ApplicationPubSubFormatsSchema,
  type ApplicationPubSubRegistry,
  ApplicationPubSubSchema,
  ApplicationPubSubsSchema,
} from "../../gen/ttn/lorawan/v3/applicationserver_pubsub_pb.js";
import { applyFieldMask, mergeFieldMask } from "../../storage/message-store/index.ts";
import { errInvalidField, errPubSubNotFound } from "./errors.ts";
import { formats } from "./formats.ts";
import type { PubSubKey, PubSubRegistry } from "./registry.ts";
import { checkPubSub, checkPubSubId } from "./validate.ts";

// As The Things Stack: reading needs the traffic-read right; changing also the settings and
// downlink rights (a pub/sub reads traffic and writes downlinks).
const readRights: RightName[] = ["RIGHT_APPLICATION_TRAFFIC_READ"];
const writeRights: RightName[] = [
  "RIGHT_APPLICATION_SETTINGS_BASIC",
  "RIGHT_APPLICATION_TRAFFIC_READ",
  "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE",
];
// Always returned, whatever the field mask: the identifiers and times, and (as The Things
// Stack's `appendImplicitPubSubGetPaths`) the format, the provider — its credentials
// included, for callers with the traffic-read right — and the base topic.
const implicitPaths = ["ids", "created_at", "updated_at", "format", "nats", "mqtt", "base_topic"];
// Written by the Application Server only.
const readOnlyPaths = new Set(["ids", "created_at", "updated_at"]);
const oneofName = "provider";

/**
 * The paths as the registry's field masks take them: The Things Stack names the provider's
 * oneof in paths (`provider`, `provider.mqtt.server_url`), the message store only fields.
 */
function normalizePaths(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    if (path === oneofName) return ["nats", "mqtt"];
    return path.startsWith(`${oneofName}.`) ? [path.slice(oneofName.length + 1)] : [path];
  });
}

function keyOf(
  ids: { applicationIds?: { applicationId: string }; pubSubId: string } | undefined,
  field: string,
): PubSubKey {
  const applicationId = ids?.applicationIds?.applicationId ?? "";
  if (!applicationId)
    throw errInvalidField.create({
      field: `${field}.application_ids`,
      reason: "an application ID is required",
    });
  checkPubSubId(ids?.pubSubId ?? "");
  return { applicationId, pubSubId: ids?.pubSubId ?? "" };
}

const visible = (pubsub: ApplicationPubSub, paths: readonly string[]) =>
  applyFieldMask(ApplicationPubSubSchema, pubsub, [...implicitPaths, ...normalizePaths(paths)]);

/**
 * `ApplicationPubSubRegistry`: an application's pub/subs, with The Things Stack's rights. A
 * change is stored, then `changed(key)` (re)starts or stops the pub/sub's connection.
 */
export function pubSubRegistryService(options: {
  registry: PubSubRegistry;
  rights: RightsFetcher;
  changed(key: PubSubKey): Promise<void>;
  now?: () => number;
}): Partial<ServiceImpl<typeof ApplicationPubSubRegistry>> {
  const { registry, rights } = options;
  const now = options.now ?? Date.now;
  const authorize = (authorization: string | null, applicationId: string, required: RightName[]) =>
    requireApplicationRights(rights, authorization, applicationId, required);

  return {
    async getFormats() {
      return create(ApplicationPubSubFormatsSchema, {
        formats: Object.fromEntries(
          Object.entries(formats).map(([name, format]) => [name, format.description]),
        ),
      });
    },

    async get(request, handler) {
      const key = keyOf(request.ids, "ids");
      await authorize(handler.requestHeader.get("authorization"), key.applicationId, readRights);
      const pubsub = await registry.get(key);
      if (!pubsub)
        throw errPubSubNotFound.create({
          application_id: key.applicationId,
          pub_sub_id: key.pubSubId,
        });
      return visible(pubsub, request.fieldMask?.paths ?? []);
    },

    async list(request, handler) {
      const applicationId = request.applicationIds?.applicationId ?? "";
      await authorize(handler.requestHeader.get("authorization"), applicationId, readRights);
      const paths = request.fieldMask?.paths ?? [];
      const pubsubs = await registry.list(applicationId);
      return create(ApplicationPubSubsSchema, {
        pubsubs: pubsubs.map((pubsub) => visible(pubsub, paths)),
      });
    },

    async set(request, handler) {
      const given = request.pubsub ?? create(ApplicationPubSubSchema);
      const key = keyOf(given.ids, "pubsub.ids");
      await authorize(handler.requestHeader.get("authorization"), key.applicationId, writeRights);
      const paths = normalizePaths(request.fieldMask?.paths ?? []).filter(
        (path) => !readOnlyPaths.has(path.split(".")[0] as string),
      );
      const stored = await registry.update(key, (current) => {
        const at = timestampFromMs(now());
        const base =
          current ??
          create(ApplicationPubSubSchema, {
            ids: { applicationIds: { applicationId: key.applicationId }, pubSubId: key.pubSubId },
            createdAt: at,
            format: "json",
          });
        const next = mergeFieldMask(ApplicationPubSubSchema, base, given, paths);
        next.updatedAt = at;
        checkPubSub(next);
        return next;
      });
      if (!stored) throw new Error("the registry stored no pub/sub for a set");
      await options.changed(key);
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
        throw errPubSubNotFound.create({
          application_id: key.applicationId,
          pub_sub_id: key.pubSubId,
        });
      await options.changed(key);
      return create(EmptySchema);
    },
  };
}

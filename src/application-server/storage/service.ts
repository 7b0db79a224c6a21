import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { requireApplicationRights } from "../../auth/application-rights.ts";
import type { RightName } from "../../auth/rights/index.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import {
  type ApplicationUpStorage,
  GetStoredApplicationUpCountResponseSchema,
} from "../../gen/ttn/lorawan/v3/applicationserver_integrations_storage_pb.js";
import { ApplicationUpSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { applyFieldMask, checkFieldMask } from "../../storage/message-store/index.ts";
import { storedUpCountQuery, storedUpQuery } from "./query.ts";
import { type AnyDatabase, countStoredUps, readStoredUps } from "./store.ts";

// As The Things Stack: stored messages are the application's traffic.
const readRights: RightName[] = ["RIGHT_APPLICATION_TRAFFIC_READ"];
// Always returned, whatever the field mask: whose message it is and when it came.
const implicitPaths = ["end_device_ids", "received_at"];

/**
 * The paths of a field mask over `ApplicationUp`, in the form the mask functions take: TTS
 * writes them through the `up` oneof (`up.uplink_message.f_port`), which is dropped here.
 */
function maskPaths(paths: readonly string[]): string[] | undefined {
  if (paths.length === 0) return undefined;
  const own = paths.map((path) => (path.startsWith("up.") ? path.slice("up.".length) : path));
  return [...implicitPaths, ...own];
}

/** `ApplicationUpStorage`: an application's stored messages, with The Things Stack's rights. */
export function applicationUpStorageService(options: {
  db: AnyDatabase;
  rights: RightsFetcher;
  now: () => number;
}): Partial<ServiceImpl<typeof ApplicationUpStorage>> {
  const { db, rights, now } = options;
  return {
    async *getStoredApplicationUp(request, handler) {
      const query = storedUpQuery(request, now());
      await requireApplicationRights(
        rights,
        handler.requestHeader.get("authorization"),
        query.applicationId,
        readRights,
      );
      const paths = maskPaths(request.fieldMask?.paths ?? []);
      if (paths) checkFieldMask(ApplicationUpSchema, paths);
      for await (const up of readStoredUps(db, query)) {
        if (handler.signal.aborted) return;
        yield paths ? applyFieldMask(ApplicationUpSchema, up, paths) : up;
      }
    },

    async getStoredApplicationUpCount(request, handler) {
      const query = storedUpCountQuery(request, now());
      await requireApplicationRights(
        rights,
        handler.requestHeader.get("authorization"),
        query.applicationId,
        readRights,
      );
      const counts = await countStoredUps(db, query);
      return create(GetStoredApplicationUpCountResponseSchema, {
        count: Object.fromEntries(counts),
      });
    },
  };
}

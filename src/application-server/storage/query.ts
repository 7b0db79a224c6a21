import { type Duration, type Timestamp, timestampMs } from "@bufbuild/protobuf/wkt";
import type {
  GetStoredApplicationUpCountRequest,
  GetStoredApplicationUpRequest,
} from "../../gen/ttn/lorawan/v3/applicationserver_integrations_storage_pb.js";
import { errContinuationToken, errInvalidRequest } from "./errors.ts";
import type { StoredUpQuery } from "./store.ts";
import { queryableTypes } from "./types.ts";

/** `order` values, as The Things Stack spells them; empty is oldest first. */
const orders: Record<string, StoredUpQuery["order"]> = {
  "": "asc",
  received_at: "asc",
  "-received_at": "desc",
};

const invalid = (field: string, reason: string) => errInvalidRequest.create({ field, reason });

const durationMs = (duration: Duration) =>
  Number(duration.seconds) * 1000 + Math.trunc(duration.nanos / 1e6);

/** The application and, for one device's messages, the device a request names. */
function scopeOf(request: GetStoredApplicationUpCountRequest | GetStoredApplicationUpRequest): {
  applicationId: string;
  deviceId?: string;
} {
  const device = request.endDeviceIds;
  const application = request.applicationIds?.applicationId ?? "";
  if (device && application)
    throw invalid("application_ids", "not with end_device_ids: give one of them");
  if (device) {
    const applicationId = device.applicationIds?.applicationId ?? "";
    if (!applicationId)
      throw invalid("end_device_ids.application_ids", "an application ID is required");
    if (!device.deviceId) throw invalid("end_device_ids.device_id", "a device ID is required");
    return { applicationId, deviceId: device.deviceId };
  }
  if (!application) throw invalid("application_ids", "an application ID is required");
  return { applicationId: application };
}

/** The time range of `after`, `before` and `last` (`last` excludes the other two). */
function rangeOf(
  request: { after?: Timestamp; before?: Timestamp; last?: Duration },
  nowMs: number,
): { afterMs?: number; beforeMs?: number } {
  if (request.last) {
    if (request.after || request.before)
      throw invalid("last", "not with after or before: give a period or a range");
    const lastMs = durationMs(request.last);
    if (lastMs <= 0) throw invalid("last", "must be a positive duration");
    return { afterMs: nowMs - lastMs };
  }
  const range: { afterMs?: number; beforeMs?: number } = {};
  if (request.after) range.afterMs = timestampMs(request.after);
  if (request.before) range.beforeMs = timestampMs(request.before);
  return range;
}

function typeOf(type: string): string | undefined {
  if (type === "") return undefined;
  if (!queryableTypes.has(type))
    throw invalid("type", `\`${type}\` is not one of ${[...queryableTypes].join(", ")}`);
  return type;
}

function filtersOf(
  request: GetStoredApplicationUpCountRequest | GetStoredApplicationUpRequest,
  nowMs: number,
): Omit<StoredUpQuery, "order" | "limit"> {
  const query: Omit<StoredUpQuery, "order" | "limit"> = {
    ...scopeOf(request),
    ...rangeOf(request, nowMs),
  };
  const type = typeOf(request.type);
  if (type !== undefined) query.type = type;
  if (request.fPort !== undefined) query.fPort = request.fPort;
  return query;
}

/** The query of a `GetStoredApplicationUp` request; invalid_argument naming a bad field. */
export function storedUpQuery(
  request: GetStoredApplicationUpRequest,
  nowMs: number,
): StoredUpQuery {
  if (request.continuationToken) throw errContinuationToken.create();
  const order = orders[request.order];
  if (order === undefined)
    throw invalid("order", "`received_at` (oldest first) or `-received_at` (newest first)");
  const query: StoredUpQuery = { ...filtersOf(request, nowMs), order };
  // An unset limit or 0 is no limit.
  if (request.limit) query.limit = request.limit;
  return query;
}

/** The filters of a `GetStoredApplicationUpCount` request. */
export function storedUpCountQuery(
  request: GetStoredApplicationUpCountRequest,
  nowMs: number,
): Omit<StoredUpQuery, "order" | "limit"> {
  return filtersOf(request, nowMs);
}

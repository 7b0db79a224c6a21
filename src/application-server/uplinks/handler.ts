/**
 * The Application Server's side of `NsAs.HandleUplink`: each `ApplicationUp` of the Network
 * Server goes through the steps of its kind (a table below), then to every integration
 * ({@link ApplicationUpSink}) before the call resolves, so the Network Server keeps (and
 * retries) what the Application Server could not take.
 *
 * - `uplink_message`: the device, its AppSKey ({@link AppSKeyResolver}), the session recorded
 *   when new, FRMPayload decrypted, `version_ids` and `locations` of the device, the uplink
 *   formatter (failure: the raw payload still goes out, with `as.up.data.decode.fail`).
 * - `join_accept`: the new session (or pending session) stored with its AppSKey; downlinks the
 *   new session invalidated are decrypted with the old one and queued again.
 * - `downlink_queue_invalidated`: decrypted and queued again with new counters (not passed on).
 * - downlink notices (`ack`, `nack`, `sent`, `failed`, `queued`): payload decrypted and decoded.
 * - `service_data`, `location_solved`: passed on.
 *
 * Messages of one call are handled in order. A message that can never be handled (an unknown
 * device, no AppSKey anywhere, a malformed message) is dropped and counted; anything else
 * (storage, a peer or a sink unavailable) fails the call for the Network Server to retry.
 */

import { clone, create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { KeyedQueue } from "../../concurrency/keyed-queue.ts";
import { DefinedError } from "../../errors/index.ts";
import type { ApplicationLink, NsAs } from "../../gen/ttn/lorawan/v3/applicationserver_pb.js";
import { type EndDevice, SessionSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { EndDeviceIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { KeyEnvelopeSchema } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import {
  type ApplicationDownlink,
  type ApplicationUp,
  type ApplicationUplink,
  ApplicationUpSchema,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { Logger } from "../../log/logger.ts";
import { decryptFrmPayload } from "../../lorawan/crypto/index.ts";
import { deviceIdentifiers, type EventPublisher, errorData } from "../downlinks/event-helpers.ts";
import {
  downlinkFormatter,
  formatterContext,
  skipsPayloadCrypto,
  uplinkFormatter,
} from "../downlinks/formatter-choice.ts";
import { deliver } from "../downlinks/queue.ts";
import { decryptDownlink, sessionWithKeyId } from "../downlinks/session-crypto.ts";
import type { PayloadFormatters } from "../formatters/payload-formatters.ts";
import type { AsDeviceRegistry, AsLinkRegistry, DeviceKey } from "../registry.ts";
import type { ApplicationUpSink } from "../traffic.ts";
import type { AppSKeyResolver } from "./app-s-key.ts";
import { decodeUplinkInto } from "./decode.ts";
import { errDeviceNotFound } from "./errors.ts";
import {
  evtDecodeFailDataUp,
  evtDecodeWarningDataUp,
  evtDropDataUp,
  evtDropJoinAccept,
  evtForwardDataUp,
  evtForwardJoinAccept,
  evtForwardLocationSolved,
  evtForwardNormalizedUp,
  evtForwardServiceData,
  evtReceiveDataUp,
  evtReceiveJoinAccept,
} from "./events.ts";

/** Queues plain downlinks again for the device's current session (the downlink queue's `requeue`). */
export interface DownlinkRequeuer {
  requeue(
    ids: EndDeviceIdentifiers,
    downlinks: ApplicationDownlink[],
    minFCnt?: number,
  ): Promise<void>;
}

/** Counts dropped messages by reason (a prom-client counter fits). */
export interface DropCounter {
  inc(labels: { reason: string }): void;
}

export interface UplinkHandlerOptions {
  devices: AsDeviceRegistry;
  links: AsLinkRegistry;
  formatters: PayloadFormatters;
  keys: AppSKeyResolver;
  queue: DownlinkRequeuer;
  sinks: readonly ApplicationUpSink[];
  events?: EventPublisher;
  dropped?: DropCounter;
  logger?: Logger;
  now?: () => number;
}

export interface UplinkHandler {
  /** Handles the messages in order; resolves once every sink took each message passed on. */
  handle(ups: readonly ApplicationUp[]): Promise<void>;
  /**
   * A message as if the device sent it, marked `simulated`: its frame payload is plain text
   * (decoded, not decrypted), no session is recorded.
   */
  simulate(up: ApplicationUp): Promise<void>;
}

/** What every step of a message sees. */
interface Context {
  up: ApplicationUp;
  key: DeviceKey;
  device: EndDevice;
  link: ApplicationLink | undefined;
  simulated: boolean;
}

type UpCase = NonNullable<ApplicationUp["up"]["case"]>;
/** A step of one kind of message: the message to pass on, or `undefined` when handled here. */
type Step = (context: Context) => Promise<ApplicationUp | undefined>;

/** Error codes that say the message can never be handled: retrying it cannot help. */
const permanent = new Set(["not_found", "invalid_argument", "failed_precondition", "out_of_range"]);

export function createUplinkHandler(options: UplinkHandlerOptions): UplinkHandler {
  const { devices, links, formatters, keys, queue, sinks, events, logger } = options;
  const now = options.now ?? Date.now;

  const publish = events
    ? events.publish.bind(events)
    : ((() => undefined) as unknown as EventPublisher["publish"]);

  const steps: Record<UpCase, Step> = {
    uplinkMessage: dataUplink,
    // Made here from a data uplink's normalized payload; never taken from a Network Server.
    uplinkNormalized: async () => undefined,
    joinAccept,
    downlinkQueueInvalidated: queueInvalidated,
    downlinkAck: downlinkNotice,
    downlinkNack: downlinkNotice,
    downlinkSent: downlinkNotice,
    downlinkQueued: downlinkNotice,
    downlinkFailed: downlinkNotice,
    serviceData: async ({ up }) => {
      publish(evtForwardServiceData, forwardInput(up));
      return up;
    },
    locationSolved: async ({ up }) => {
      publish(evtForwardLocationSolved, forwardInput(up));
      return up;
    },
  };

  async function dataUplink({ up, key, device, link, simulated }: Context) {
    if (up.up.case !== "uplinkMessage") return undefined;
    // The message as it goes to integrations: the Network Server's is not changed. Only the
    // uplink's own fields are set here (payload, keys, decoded fields, locations): a copy of
    // those levels is enough, and far cheaper than a deep clone per uplink.
    const uplink: ApplicationUplink = {
      ...up.up.value,
      locations: { ...up.up.value.locations },
    };
    const out: ApplicationUp = {
      ...up,
      correlationIds: [...up.correlationIds],
      up: { case: "uplinkMessage", value: uplink },
    };
    const ids = out.endDeviceIds;
    publish(evtReceiveDataUp, {
      identifiers: deviceIdentifiers(ids),
      correlationIds: out.correlationIds,
    });
    const skipCrypto = skipsPayloadCrypto(device, link);
    const envelope = uplink.appSKey;
    // The AppSKey never goes to integrations, wrapped or not, unless they decrypt themselves.
    uplink.appSKey = undefined;
    if (!simulated) {
      const resolved = skipCrypto
        ? undefined
        : await keys.resolve(device, uplink.sessionKeyId, envelope);
      const devAddr = ids?.devAddr?.length
        ? ids.devAddr
        : (sessionWithKeyId(device, uplink.sessionKeyId)?.devAddr ?? new Uint8Array());
      await recordSession(key, device, {
        sessionKeyId: uplink.sessionKeyId,
        devAddr,
        appSKey: resolved?.source === "stored" ? undefined : resolved?.key,
        lastAFCntDown: uplink.lastAFCntDown,
      });
      if (resolved && uplink.frmPayload.length > 0)
        uplink.frmPayload = decryptFrmPayload(
          resolved.key,
          "uplink",
          devAddr,
          uplink.fCnt,
          uplink.frmPayload,
        );
      if (skipCrypto && envelope) uplink.appSKey = envelope;
    }
    if (device.versionIds) uplink.versionIds = device.versionIds;
    for (const [source, location] of Object.entries(device.locations))
      uplink.locations[source] = location;
    const choice = uplinkFormatter(device, link);
    if (choice && !skipCrypto && uplink.fPort > 0 && uplink.frmPayload.length > 0) {
      const received = uplink.receivedAt ? timestampDate(uplink.receivedAt) : new Date(now());
      const failure = await decodeUplinkInto(
        formatters,
        choice,
        uplink,
        formatterContext(device),
        received,
      );
      if (failure)
        publish(evtDecodeFailDataUp, {
          identifiers: deviceIdentifiers(ids),
          data: errorData(failure, out.correlationIds),
          correlationIds: out.correlationIds,
        });
      else if (uplink.decodedPayloadWarnings.length > 0)
        publish(evtDecodeWarningDataUp, {
          identifiers: deviceIdentifiers(ids),
          data: uplink,
          correlationIds: out.correlationIds,
        });
    }
    publish(evtForwardDataUp, forwardInput(out));
    return out;
  }

  /**
   * Writes what an uplink taught about its session, only when there is something new: a key
   * not stored yet, the pending session that the device now uses, a higher downlink counter.
   */
  async function recordSession(
    key: DeviceKey,
    device: EndDevice,
    seen: {
      sessionKeyId: Uint8Array;
      devAddr: Uint8Array;
      appSKey?: Uint8Array;
      lastAFCntDown: number;
    },
  ) {
    const known = sessionWithKeyId(device, seen.sessionKeyId);
    const unchanged =
      known === device.session &&
      known !== undefined &&
      seen.appSKey === undefined &&
      seen.lastAFCntDown <= known.lastAFCntDown;
    if (unchanged) return;
    await devices.update(key, (current) => {
      if (!current) throw errDeviceNotFound.create(attributes(key));
      let session = sessionWithKeyId(current, seen.sessionKeyId);
      if (session && session === current.pendingSession) {
        current.session = session;
        current.pendingSession = undefined;
      }
      if (!session) {
        session = create(SessionSchema, {
          devAddr: seen.devAddr,
          keys: { sessionKeyId: seen.sessionKeyId },
        });
        current.session = session;
      }
      if (seen.appSKey && session.keys)
        session.keys.appSKey = create(KeyEnvelopeSchema, { key: seen.appSKey });
      session.lastAFCntDown = Math.max(session.lastAFCntDown, seen.lastAFCntDown);
      return current;
    });
  }

  async function joinAccept({ up, key, device, link }: Context) {
    const out = clone(ApplicationUpSchema, up);
    if (out.up.case !== "joinAccept") return undefined;
    const accept = out.up.value;
    const ids = out.endDeviceIds;
    publish(evtReceiveJoinAccept, {
      identifiers: deviceIdentifiers(ids),
      correlationIds: out.correlationIds,
    });
    const skipCrypto = skipsPayloadCrypto(device, link);
    let appSKey: Uint8Array | undefined;
    if (!skipCrypto) {
      try {
        appSKey = (await keys.resolve(device, accept.sessionKeyId, accept.appSKey)).key;
      } catch (error) {
        // The session stands: its key is fetched again with the first uplink.
        logger?.warn({ err: error, device: key }, "no AppSKey with the join-accept");
      }
    }
    accept.appSKey = undefined;
    const session = create(SessionSchema, {
      devAddr: ids?.devAddr ?? new Uint8Array(),
      keys: {
        sessionKeyId: accept.sessionKeyId,
        ...(appSKey ? { appSKey: { key: appSKey } } : {}),
      },
    });
    await devices.update(key, (current) => {
      if (!current) throw errDeviceNotFound.create(attributes(key));
      if (accept.pendingSession) current.pendingSession = session;
      else {
        current.session = session;
        current.pendingSession = undefined;
      }
      return current;
    });
    // Downlinks of the old session: readable with the old keys, queued anew in the new one.
    const plain = decryptAll(device, accept.invalidatedDownlinks, skipCrypto);
    accept.invalidatedDownlinks = plain;
    if (plain.length > 0 && !accept.pendingSession && ids) await requeue(ids, plain);
    publish(evtForwardJoinAccept, forwardInput(out));
    return out;
  }

  async function queueInvalidated({ up, device, link }: Context) {
    if (up.up.case !== "downlinkQueueInvalidated" || !up.endDeviceIds) return undefined;
    const invalidated = up.up.value;
    const plain = decryptAll(device, invalidated.downlinks, skipsPayloadCrypto(device, link));
    await requeue(up.endDeviceIds, plain, invalidated.lastFCntDown + 1);
    return undefined;
  }

  /**
   * Queues plain downlinks again. One that can never be queued (too long now, a port the new
   * session refuses, ...) becomes `downlink_failed` for the integrations instead of a retry.
   */
  async function requeue(
    ids: EndDeviceIdentifiers,
    plain: ApplicationDownlink[],
    minFCnt?: number,
  ) {
    if (plain.length === 0) return;
    try {
      await queue.requeue(ids, plain, minFCnt);
    } catch (error) {
      if (!isPermanent(error)) throw error;
      for (const downlink of plain)
        await deliver(
          sinks,
          create(ApplicationUpSchema, {
            endDeviceIds: ids,
            correlationIds: downlink.correlationIds,
            up: {
              case: "downlinkFailed",
              value: { downlink, error: errorData(error, downlink.correlationIds) },
            },
          }),
        );
    }
  }

  /** Downlinks decrypted with the device's session of their keys; unreadable ones are logged and left out. */
  function decryptAll(
    device: EndDevice,
    downlinks: readonly ApplicationDownlink[],
    skipCrypto: boolean,
  ) {
    const plain: ApplicationDownlink[] = [];
    for (const downlink of downlinks) {
      const session = sessionWithKeyId(device, downlink.sessionKeyId);
      try {
        if (!session) throw errDeviceNotFound.create({});
        plain.push(decryptDownlink(downlink, session, { skipCrypto }));
      } catch (error) {
        logger?.warn({ err: error }, "an invalidated downlink cannot be decrypted; it is dropped");
        options.dropped?.inc({ reason: "invalidated_downlink_unreadable" });
      }
    }
    return plain;
  }

  async function downlinkNotice({ up, device, link }: Context) {
    const out = clone(ApplicationUpSchema, up);
    const downlink =
      out.up.case === "downlinkFailed"
        ? out.up.value.downlink
        : out.up.case === "downlinkAck" ||
            out.up.case === "downlinkNack" ||
            out.up.case === "downlinkSent" ||
            out.up.case === "downlinkQueued"
          ? out.up.value
          : undefined;
    if (!downlink) return out;
    const skipCrypto = skipsPayloadCrypto(device, link);
    const session = sessionWithKeyId(device, downlink.sessionKeyId);
    if (!session || skipCrypto) return out;
    const plain = decryptDownlink(downlink, session, { skipCrypto });
    downlink.frmPayload = plain.frmPayload;
    const choice = downlinkFormatter(device, link);
    if (choice && downlink.frmPayload.length > 0) {
      const result = await formatters.decodeDownlink(
        choice,
        { bytes: downlink.frmPayload, fPort: downlink.fPort },
        formatterContext(device),
      );
      if (result.data && result.errors.length === 0) {
        downlink.decodedPayload = result.data;
        downlink.decodedPayloadWarnings = result.warnings;
      }
    }
    return out;
  }

  const drop = (up: ApplicationUp, error: unknown) => {
    const reason = error instanceof DefinedError ? error.name : "unknown";
    options.dropped?.inc({ reason });
    const input = {
      identifiers: deviceIdentifiers(up.endDeviceIds),
      data: errorData(error, up.correlationIds),
      correlationIds: up.correlationIds,
    };
    if (up.up.case === "uplinkMessage") publish(evtDropDataUp, input);
    else if (up.up.case === "joinAccept") publish(evtDropJoinAccept, input);
    logger?.debug({ err: error, reason }, "application up dropped");
  };

  async function one(up: ApplicationUp, simulated: boolean): Promise<void> {
    const kind = up.up.case;
    if (kind === undefined) {
      options.dropped?.inc({ reason: "empty" });
      return;
    }
    let out: ApplicationUp | undefined;
    try {
      const key = {
        applicationId: up.endDeviceIds?.applicationIds?.applicationId ?? "",
        deviceId: up.endDeviceIds?.deviceId ?? "",
      };
      const device = await devices.get(key);
      if (!device) throw errDeviceNotFound.create(attributes(key));
      const link = await links.get(key.applicationId);
      out = await steps[kind]({ up, key, device, link, simulated });
    } catch (error) {
      if (!isPermanent(error)) throw error;
      drop(up, error);
      return;
    }
    if (!out) return;
    if (simulated) out.simulated = true;
    await deliver(sinks, out);
    for (const normalized of normalizedUps(out)) {
      publish(evtForwardNormalizedUp, forwardInput(normalized));
      await deliver(sinks, normalized);
    }
  }

  // Messages of one device are handled in the order they came, so that integrations see its
  // uplinks in frame counter order even when an earlier one waits longer (a formatter, the
  // registry); messages of different devices are handled concurrently.
  const perDevice = new KeyedQueue();
  const inOrder = (up: ApplicationUp, simulated: boolean) => {
    const ids = up.endDeviceIds;
    const key = `${ids?.applicationIds?.applicationId ?? ""}.${ids?.deviceId ?? ""}`;
    return perDevice.run(key, () => one(up, simulated));
  };

  return {
    async handle(ups) {
      for (const up of ups) await inOrder(up, false);
    },
    simulate: (up) => inOrder(up, true),
  };
}

/** `NsAs` on the handler: what the Network Server calls. */
export function nsAsService(handler: UplinkHandler): Partial<ServiceImpl<typeof NsAs>> {
  return {
    async handleUplink(request) {
      await handler.handle(request.applicationUps);
      return {};
    },
  };
}

function isPermanent(error: unknown): boolean {
  if (error instanceof DefinedError) return permanent.has(error.code);
  // A malformed message (bad key or address length) fails in the crypto with a defined error;
  // a plain Error is this server's bug or an outage: the Network Server retries.
  return false;
}

function forwardInput(up: ApplicationUp) {
  return {
    identifiers: deviceIdentifiers(up.endDeviceIds),
    data: up,
    correlationIds: up.correlationIds,
  };
}

const attributes = (key: DeviceKey) => ({
  application_id: key.applicationId,
  device_id: key.deviceId,
});

/**
 * The `uplink_normalized` messages of a decoded data uplink: one per item of its
 * `normalized_payload`, with the uplink's metadata (TTS's `up/normalized`).
 */
function normalizedUps(up: ApplicationUp): ApplicationUp[] {
  if (up.up.case !== "uplinkMessage") return [];
  const uplink = up.up.value;
  return uplink.normalizedPayload.map((payload) =>
    create(ApplicationUpSchema, {
      endDeviceIds: up.endDeviceIds,
      correlationIds: up.correlationIds,
      receivedAt: up.receivedAt,
      simulated: up.simulated,
      up: {
        case: "uplinkNormalized",
        value: {
          sessionKeyId: uplink.sessionKeyId,
          fPort: uplink.fPort,
          fCnt: uplink.fCnt,
          frmPayload: uplink.frmPayload,
          normalizedPayload: payload,
          normalizedPayloadWarnings: uplink.normalizedPayloadWarnings,
          rxMetadata: uplink.rxMetadata,
          settings: uplink.settings,
          receivedAt: uplink.receivedAt,
          confirmed: uplink.confirmed,
          consumedAirtime: uplink.consumedAirtime,
          locations: uplink.locations,
          versionIds: uplink.versionIds,
          networkIds: uplink.networkIds,
        },
      },
    }),
  );
}

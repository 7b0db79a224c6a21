/**
 * The Application Server's downlink queue ({@link ApplicationDownlinkQueue}) over the Network
 * Server's `AsNs`: downlinks as integrations write them are encoded (the downlink formatter,
 * when only `decoded_payload` is given), given frame counters, encrypted with the session's
 * AppSKey and pushed to the Network Server's queue, which is durable; `list` reads that queue
 * back and decrypts it.
 *
 * Frame counters: the Application Server assigns them from its session's `last_a_f_cnt_down`
 * (raised by every uplink to what the Network Server reports), advanced atomically in the
 * registry before the push, so two pushes never share a counter. A LoRaWAN 1.0 device shares
 * one downlink counter with MAC-only frames: when the Network Server answers `f_cnt_too_low`
 * with its minimum, the downlinks are encrypted again from there and pushed once more.
 */
import { clone, create } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import { DefinedError } from "../../errors/index.ts";
import { newUlid } from "../../events/ulid.ts";
import type { EndDevice, Session } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { EndDeviceIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import {
  type ApplicationDownlink,
  ApplicationDownlinkSchema,
  type ApplicationUp,
  ApplicationUpSchema,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { AsNs } from "../../gen/ttn/lorawan/v3/networkserver_pb.js";
import type { Logger } from "../../log/logger.ts";
import type { ApplicationDownlinkQueue } from "../downlink-queue.ts";
import type { PayloadFormatters } from "../formatters/payload-formatters.ts";
import type { AsDeviceRegistry, AsLinkRegistry, DeviceKey } from "../registry.ts";
import type { ApplicationUpSink } from "../traffic.ts";
import {
  errDecodeDownlink,
  errDeviceNotFound,
  errEncodeDownlink,
  errNoPayload,
  errNoSession,
} from "./errors.ts";
import { deviceIdentifiers, type EventPublisher, errorData } from "./event-helpers.ts";
import {
  evtDecodeFailDataDown,
  evtDecodeWarningDataDown,
  evtDropDataDown,
  evtEncodeFailDataDown,
  evtEncodeWarningDataDown,
  evtForwardDataDown,
  evtReceiveDataDown,
} from "./events.ts";
import { downlinkFormatter, formatterContext, skipsPayloadCrypto } from "./formatter-choice.ts";
import { decryptDownlink, encryptDownlink, sessionWithKeyId } from "./session-crypto.ts";

/** The Network Server's queue as this part uses it (the `ns` peer's `AsNs` client). */
export type NetworkServerQueue = Pick<
  Client<typeof AsNs>,
  "downlinkQueuePush" | "downlinkQueueReplace" | "downlinkQueueList"
>;

export interface DownlinkQueueOptions {
  devices: AsDeviceRegistry;
  links: AsLinkRegistry;
  formatters: PayloadFormatters;
  /** The Network Server's `AsNs` (in the component: `cluster.peer("ns").client(AsNs)`). */
  networkServer: () => NetworkServerQueue;
  /** Every integration: each gets a `downlink_queued` message per queued downlink. */
  sinks: readonly ApplicationUpSink[];
  events?: EventPublisher;
  logger?: Logger;
}

/** The `f_cnt_too_low` refusal of the Network Server's queue (its name, whatever the process). */
const fCntTooLow = "network-server/downlink-queue:f_cnt_too_low";

export function createDownlinkQueue(options: DownlinkQueueOptions): ApplicationDownlinkQueue & {
  /** Encrypts plain downlinks anew for the device's current session and pushes them (invalidated queues). */
  requeue(
    ids: EndDeviceIdentifiers,
    downlinks: ApplicationDownlink[],
    minFCnt?: number,
  ): Promise<void>;
} {
  const { devices, links, formatters, events, logger } = options;

  const keyOf = (ids: EndDeviceIdentifiers): DeviceKey => ({
    applicationId: ids.applicationIds?.applicationId ?? "",
    deviceId: ids.deviceId,
  });

  /** Formats each downlink given by an integration: bytes from `decoded_payload` when needed. */
  const encode = async (
    device: EndDevice,
    downlink: ApplicationDownlink,
    ids: EndDeviceIdentifiers,
  ): Promise<ApplicationDownlink> => {
    if (downlink.frmPayload.length > 0 || !downlink.decodedPayload) {
      if (downlink.frmPayload.length === 0 && !downlink.decodedPayload && downlink.fPort === 0)
        throw errNoPayload.create();
      return downlink;
    }
    const link = await links.get(keyOf(ids).applicationId);
    const choice = downlinkFormatter(device, link);
    if (!choice) throw errEncodeDownlink.create({ errors: "no downlink formatter" });
    const data = downlink.decodedPayload;
    const result = await formatters.encodeDownlink(
      choice,
      { data, ...(downlink.fPort > 0 ? { fPort: downlink.fPort } : {}) },
      formatterContext(device),
    );
    if (result.errors.length > 0 || !result.bytes) {
      const error = errEncodeDownlink.create({ errors: result.errors.join("; ") || "no bytes" });
      events?.publish(evtEncodeFailDataDown, {
        identifiers: deviceIdentifiers(ids),
        data: errorData(error, downlink.correlationIds),
        correlationIds: downlink.correlationIds,
      });
      throw error;
    }
    const encoded = clone(ApplicationDownlinkSchema, downlink);
    encoded.frmPayload = result.bytes;
    if (downlink.fPort === 0 && result.fPort !== undefined) encoded.fPort = result.fPort;
    encoded.decodedPayloadWarnings = result.warnings;
    if (result.warnings.length > 0)
      events?.publish(evtEncodeWarningDataDown, {
        identifiers: deviceIdentifiers(ids),
        data: encoded,
        correlationIds: downlink.correlationIds,
      });
    return encoded;
  };

  /**
   * Gives the downlinks frame counters from the session's last one (or past `minFCnt`),
   * recorded atomically in the registry; resolves to the device as stored and the first counter.
   */
  const reserveCounters = async (key: DeviceKey, count: number, minFCnt = 0) => {
    let first = 0;
    const stored = await devices.update(key, (device) => {
      if (!device) throw errDeviceNotFound.create(attributes(key));
      const session = device.session;
      if (!session) throw errNoSession.create(attributes(key));
      first = Math.max(session.lastAFCntDown + 1, minFCnt);
      session.lastAFCntDown = first + count - 1;
      return device;
    });
    if (!stored?.session) throw errNoSession.create(attributes(key));
    return { device: stored, session: stored.session, first };
  };

  const encryptAll = (
    plain: readonly ApplicationDownlink[],
    session: Session,
    first: number,
    skipCrypto: boolean,
  ) =>
    plain.map((downlink, index) =>
      // With payload crypto skipped the integration encrypted the payload: its counter stands.
      encryptDownlink(downlink, session, skipCrypto ? downlink.fCnt : first + index, {
        skipCrypto,
      }),
    );

  const change = async (
    ids: EndDeviceIdentifiers,
    input: ApplicationDownlink[],
    replace: boolean,
    minFCnt?: number,
  ) => {
    const key = keyOf(ids);
    const downlinks = input.map((downlink) => withCorrelationId(downlink));
    for (const downlink of downlinks)
      events?.publish(evtReceiveDataDown, {
        identifiers: deviceIdentifiers(ids),
        data: downlink,
        correlationIds: downlink.correlationIds,
      });
    try {
      const current = await devices.get(key);
      if (!current) throw errDeviceNotFound.create(attributes(key));
      const link = await links.get(key.applicationId);
      const skipCrypto = skipsPayloadCrypto(current, link);
      const plain: ApplicationDownlink[] = [];
      for (const downlink of downlinks) plain.push(await encode(current, downlink, ids));
      const reserved = await reserveCounters(key, plain.length, minFCnt);
      let encrypted = encryptAll(plain, reserved.session, reserved.first, skipCrypto);
      const ns = options.networkServer();
      const request = { endDeviceIds: ids, downlinks: encrypted };
      try {
        await (replace ? ns.downlinkQueueReplace(request) : ns.downlinkQueuePush(request));
      } catch (error) {
        const min = minimumFCnt(error);
        if (min === undefined || skipCrypto) throw error;
        // A LoRaWAN 1.0 device's counter moved on with MAC-only frames: once more from there.
        const again = await reserveCounters(key, plain.length, min);
        encrypted = encryptAll(plain, again.session, again.first, skipCrypto);
        const retry = { endDeviceIds: ids, downlinks: encrypted };
        await (replace ? ns.downlinkQueueReplace(retry) : ns.downlinkQueuePush(retry));
      }
      await announce(ids, plain, encrypted);
    } catch (error) {
      for (const downlink of downlinks)
        events?.publish(evtDropDataDown, {
          identifiers: deviceIdentifiers(ids),
          data: errorData(error, downlink.correlationIds),
          correlationIds: downlink.correlationIds,
        });
      throw error;
    }
  };

  /** `as.down.data.forward` and `downlink_queued` (plain payload) to every integration. */
  const announce = async (
    ids: EndDeviceIdentifiers,
    plain: readonly ApplicationDownlink[],
    encrypted: readonly ApplicationDownlink[],
  ) => {
    for (const [index, sent] of encrypted.entries()) {
      events?.publish(evtForwardDataDown, {
        identifiers: deviceIdentifiers(ids),
        data: sent,
        correlationIds: sent.correlationIds,
      });
      const queued = clone(ApplicationDownlinkSchema, plain[index] ?? sent);
      queued.sessionKeyId = sent.sessionKeyId;
      queued.fCnt = sent.fCnt;
      const up = create(ApplicationUpSchema, {
        endDeviceIds: ids,
        correlationIds: sent.correlationIds,
        up: { case: "downlinkQueued", value: queued },
      });
      // The downlink is in the Network Server's queue already: an integration that cannot
      // take the notice must not make the caller push it twice.
      await deliver(options.sinks, up).catch((error: unknown) =>
        logger?.warn({ err: error }, "downlink_queued not delivered to every integration"),
      );
    }
  };

  return {
    push: (ids, downlinks) => change(ids, downlinks, false),
    replace: (ids, downlinks) => change(ids, downlinks, true),
    requeue: (ids, downlinks, minFCnt) =>
      downlinks.length === 0 ? Promise.resolve() : change(ids, downlinks, false, minFCnt),
    async list(ids) {
      const key = keyOf(ids);
      const device = await devices.get(key);
      if (!device) throw errDeviceNotFound.create(attributes(key));
      const link = await links.get(key.applicationId);
      const skipCrypto = skipsPayloadCrypto(device, link);
      const choice = downlinkFormatter(device, link);
      const queued = await options.networkServer().downlinkQueueList(ids);
      const out: ApplicationDownlink[] = [];
      for (const downlink of queued.downlinks) {
        const session = sessionWithKeyId(device, downlink.sessionKeyId);
        // A downlink of a session this server no longer knows cannot be read: left encrypted.
        const plain = session ? decryptDownlink(downlink, session, { skipCrypto }) : downlink;
        if (session && choice && !skipCrypto)
          await decodeInto(ids, plain, () =>
            formatters.decodeDownlink(
              choice,
              { bytes: plain.frmPayload, fPort: plain.fPort },
              formatterContext(device),
            ),
          );
        out.push(plain);
      }
      return out;
    },
  };

  /** Sets `decoded_payload` (and warnings) from a downlink decoder; failures are events only. */
  async function decodeInto(
    ids: EndDeviceIdentifiers,
    downlink: ApplicationDownlink,
    decode: () => ReturnType<PayloadFormatters["decodeDownlink"]>,
  ) {
    const result = await decode();
    if (result.errors.length > 0 || !result.data) {
      if (result.errors.length > 0)
        events?.publish(evtDecodeFailDataDown, {
          identifiers: deviceIdentifiers(ids),
          data: errorData(errDecodeDownlink.create({ errors: result.errors.join("; ") })),
          correlationIds: downlink.correlationIds,
        });
      return;
    }
    downlink.decodedPayload = result.data;
    downlink.decodedPayloadWarnings = result.warnings;
    if (result.warnings.length > 0)
      events?.publish(evtDecodeWarningDataDown, {
        identifiers: deviceIdentifiers(ids),
        data: downlink,
        correlationIds: downlink.correlationIds,
      });
  }
}

/** Hands one message to every integration; resolves once each took it, fails when one could not. */
export async function deliver(
  sinks: readonly ApplicationUpSink[],
  up: ApplicationUp,
): Promise<void> {
  const results = await Promise.allSettled(sinks.map((sink) => sink.handle(up)));
  const failed = results.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
}

/** The Network Server's minimum frame counter when it refused one as too low. */
function minimumFCnt(error: unknown): number | undefined {
  if (!(error instanceof DefinedError) || error.name !== fCntTooLow) return undefined;
  const min = Number(error.attributes.min_f_cnt);
  return Number.isSafeInteger(min) && min >= 0 ? min : undefined;
}

function withCorrelationId(downlink: ApplicationDownlink): ApplicationDownlink {
  const out = clone(ApplicationDownlinkSchema, downlink);
  out.correlationIds.push(`as:downlink:${newUlid().id}`);
  return out;
}

const attributes = (key: DeviceKey) => ({
  application_id: key.applicationId,
  device_id: key.deviceId,
});

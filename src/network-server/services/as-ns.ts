import { clone, create } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { endDeviceKeyOf } from "../../api/end-device-identifiers.ts";
import { errorNamespace } from "../../errors/index.ts";
import type { FrequencyPlans } from "../../frequency-plans/index.ts";
import type { EndDevice, MACState, Session } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { Class, MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  type ApplicationDownlink,
  ApplicationDownlinkSchema,
  ApplicationDownlinksSchema,
  type DownlinkQueueRequest,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { AsNs } from "../../gen/ttn/lorawan/v3/networkserver_pb.js";
import type { Logger } from "../../log/logger.ts";
import { maxMacPayloadSize } from "../../lorawan/band/index.ts";
import type { NsDeviceStore } from "../device-store/device-store.ts";
import { errDeviceNotFound } from "../errors.ts";
import { versionAtLeast } from "../mac/commands.ts";
import type { DeviceKey } from "../registry/registry.ts";
import { deviceBand } from "./device-band.ts";

// The Things Stack's refusals of its AsNs downlink queue operations, by its names.
const errors = errorNamespace("network-server/downlink-queue");

export const errDownlinkQueueCapacity = errors.resourceExhausted(
  "downlink_queue_capacity",
  "downlink queue capacity of {capacity} exceeded",
);
/** No session or pending session has the session keys a downlink names. */
export const errUnknownSession = errors.failedPrecondition(
  "unknown_session",
  "no session with session key ID `{session_key_id}`",
);
export const errUnknownMacState = errors.failedPrecondition(
  "unknown_mac_state",
  "the session of session key ID `{session_key_id}` has no MAC state",
);
export const errFCntTooLow = errors.invalidArgument(
  "f_cnt_too_low",
  "FCnt {f_cnt} is lower than minimum {min_f_cnt}",
);
export const errApplicationDownlinkTooLong = errors.invalidArgument(
  "application_downlink_too_long",
  "application downlink payload is too long: {length} bytes, at most {max}",
);
export const errInvalidFPort = errors.invalidArgument(
  "f_port",
  "FPort {f_port} is not 1 to 255 or is the reserved 224",
);
export const errConfirmedRetryAttempts = errors.invalidArgument(
  "confirmed_retry_attempts",
  "confirmed retry max_attempts {max_attempts} is not 1 to {limit}",
);
export const errConfirmedMulticastDownlink = errors.invalidArgument(
  "confirmed_multicast_downlink",
  "a multicast downlink cannot be confirmed",
);
/** A multicast group's downlink must name the gateways that send it. */
export const errNoPath = errors.invalidArgument("no_path", "no downlink path: name the gateways");
export const errClassBCUnsupported = errors.failedPrecondition(
  "class_b_c_unsupported",
  "the end device supports neither class B nor class C",
);
export const errExpiredDownlink = errors.invalidArgument(
  "expired_downlink",
  "the downlink's absolute time has passed",
);

/** The Things Stack's `ns.downlink-queue-capacity` default: downlinks per session queue. */
export const defaultDownlinkQueueCapacity = 10_000;
/** The highest `confirmed_retry.max_attempts` (as the Application Server's setting). */
const maxConfirmedAttempts = 100;
/** LoRaWAN's port for certification, never an application's. */
const certificationPort = 224;
/** FHDR without FOpts and FPort: the MACPayload bytes that are not FRMPayload. */
const frameOverhead = 8;
/** The largest FRMPayload any band allows (MACPayload 250), when the band is not known. */
const fallbackMaxFrmPayload = 250 - frameOverhead;

/** Wakes the downlink scheduler of a device: `at` (epoch ms) or now. */
export interface DownlinkWaker {
  wake(key: DeviceKey, at?: Date): Promise<void>;
}

export interface AsNsOptions {
  store: NsDeviceStore;
  scheduler: DownlinkWaker;
  /** Where the band's payload limits come from; without it, LoRaWAN's largest (242 bytes). */
  frequencyPlans?: FrequencyPlans;
  /** `ns.downlink_queue_capacity`: downlinks per session queue (default 10,000, as TTS). */
  queueCapacity?: number;
  logger?: Logger;
  now?: () => number;
}

/**
 * `AsNs` (internal): the Application Server's downlink queue on the end device's sessions
 * (`session.queued_application_downlinks`, `pending_session.…`), changed through the device
 * store in one atomic commit. Each downlink goes to the session whose session key ID it names
 * and is checked as The Things Stack checks it; one invalid downlink refuses the whole request.
 * After a change that leaves downlinks queued for a class B or C device, the downlink scheduler
 * is woken. No events: The Things Stack's Network Server publishes none here (the Application
 * Server publishes `as.down.data.forward`).
 */
export function asNsService(options: AsNsOptions): Partial<ServiceImpl<typeof AsNs>> {
  const { store, scheduler, logger } = options;
  const now = options.now ?? Date.now;
  const capacity = options.queueCapacity ?? defaultDownlinkQueueCapacity;

  const change = async (request: DownlinkQueueRequest, replace: boolean) => {
    if (request.downlinks.length > capacity * 2)
      throw errDownlinkQueueCapacity.create({ capacity });
    const key = endDeviceKeyOf(request.endDeviceIds, "end_device_ids");
    if (!replace && request.downlinks.length === 0) return {};
    for (const down of request.downlinks) checkDownlink(down);
    const updated = await store.commit(key, (device) => {
      if (!device) throw errDeviceNotFound.create(deviceAttributes(key));
      if (replace) {
        if (device.session) device.session.queuedApplicationDownlinks = [];
        if (device.pendingSession) device.pendingSession.queuedApplicationDownlinks = [];
      }
      queueDownlinks(device, request.downlinks, {
        maxFrmPayload: maxFrmPayloadOf(device, options.frequencyPlans),
        now: now(),
      });
      for (const session of [device.session, device.pendingSession])
        if ((session?.queuedApplicationDownlinks.length ?? 0) > capacity)
          throw errDownlinkQueueCapacity.create({ capacity });
      return device;
    });
    if (updated && needsWake(updated)) {
      // The queue is durable already: a scheduler that cannot be woken finds it on its own.
      await scheduler.wake(key).catch((error: unknown) => {
        logger?.error({ err: error, device: key }, "could not wake the downlink scheduler");
      });
    }
    return {};
  };

  return {
    downlinkQueueReplace: (request) => change(request, true),
    downlinkQueuePush: (request) => change(request, false),
    async downlinkQueueList(ids) {
      const key = endDeviceKeyOf(ids, "end_device_ids");
      const device = await store.get(key);
      if (!device) throw errDeviceNotFound.create(deviceAttributes(key));
      return create(ApplicationDownlinksSchema, {
        downlinks: [
          ...(device.session?.queuedApplicationDownlinks ?? []),
          ...(device.pendingSession?.queuedApplicationDownlinks ?? []),
        ],
      });
    },
  };
}

const deviceAttributes = (key: DeviceKey) => ({
  application_id: key.applicationId,
  device_id: key.deviceId,
});

/** What a downlink must be on its own, whatever the device. */
function checkDownlink(down: ApplicationDownlink): void {
  if (down.fPort < 1 || down.fPort > 255 || down.fPort === certificationPort)
    throw errInvalidFPort.create({ f_port: down.fPort });
  const attempts = down.confirmedRetry?.maxAttempts;
  if (attempts !== undefined && (attempts < 1 || attempts > maxConfirmedAttempts))
    throw errConfirmedRetryAttempts.create({
      max_attempts: attempts,
      limit: maxConfirmedAttempts,
    });
}

/**
 * Appends each downlink to the queue of the session it names (session, then pending session),
 * checking it against that session and the device; throws at the first that does not fit.
 */
function queueDownlinks(
  device: EndDevice,
  downlinks: readonly ApplicationDownlink[],
  limits: { maxFrmPayload: number; now: number },
): void {
  const sessions = [
    { session: device.session, macState: device.macState },
    { session: device.pendingSession, macState: device.pendingMacState },
  ];
  const next = new Map<Session, number>();
  for (const down of downlinks) {
    const match = sessions.find(
      (candidate) =>
        candidate.session?.keys &&
        sameBytes(candidate.session.keys.sessionKeyId, down.sessionKeyId),
    );
    const sessionKeyId = Buffer.from(down.sessionKeyId).toString("hex");
    if (!match?.session) throw errUnknownSession.create({ session_key_id: sessionKeyId });
    const { session, macState } = match;
    if (!macState) throw errUnknownMacState.create({ session_key_id: sessionKeyId });
    const minFCnt = next.get(session) ?? minApplicationFCnt(session, macState);
    if (down.frmPayload.length > limits.maxFrmPayload)
      throw errApplicationDownlinkTooLong.create({
        length: down.frmPayload.length,
        max: limits.maxFrmPayload,
      });
    if (down.fCnt < minFCnt) throw errFCntTooLow.create({ f_cnt: down.fCnt, min_f_cnt: minFCnt });
    if (device.multicast && down.confirmed) throw errConfirmedMulticastDownlink.create();
    if (device.multicast && (down.classBC?.gateways.length ?? 0) === 0) throw errNoPath.create();
    if (down.classBC && !device.supportsClassB && !device.supportsClassC && !device.multicast)
      throw errClassBCUnsupported.create();
    const absoluteTime = down.classBC?.absoluteTime;
    // Too close to be sent: The Things Stack wants half an RX1 delay of room.
    if (absoluteTime && timestampMs(absoluteTime) < limits.now + rx1DelayMs(macState) / 2)
      throw errExpiredDownlink.create();
    // A copy: the caller's message (handed over as is by a direct peer call) stays its own.
    session.queuedApplicationDownlinks.push(clone(ApplicationDownlinkSchema, down));
    next.set(session, down.fCnt + 1);
  }
}

/**
 * The lowest FCnt the next application downlink of a session may have: past the last one sent
 * (LoRaWAN 1.1 counts application downlinks apart; 1.0 shares one counter) and past the last
 * one queued.
 */
function minApplicationFCnt(session: Session, macState: MACState): number {
  const sent = macState.recentDownlinks.length > 0;
  const last = versionAtLeast(macState, MACVersion.MAC_V1_1)
    ? session.lastAFCntDown
    : session.lastNFCntDown;
  let min = last > 0 || sent ? last + 1 : 0;
  const queued = session.queuedApplicationDownlinks.at(-1);
  if (queued && queued.fCnt >= min) min = queued.fCnt + 1;
  return min;
}

/** The largest FRMPayload of the device's band: its largest MACPayload less the frame header. */
function maxFrmPayloadOf(device: EndDevice, plans: FrequencyPlans | undefined): number {
  if (!plans) return fallbackMaxFrmPayload;
  const { plan, band } = deviceBand(plans, device.frequencyPlanId, device.lorawanPhyVersion);
  const dwellTime = plan.dwellTime?.downlinks ?? false;
  let largest = 0;
  for (const rate of band.dataRates)
    largest = Math.max(largest, maxMacPayloadSize(band, rate.index, dwellTime) ?? 0);
  return Math.max(0, largest - frameOverhead);
}

function rx1DelayMs(macState: MACState): number {
  // RX_DELAY_0 means one second, as RX_DELAY_1.
  return Math.max(1, macState.currentParameters?.rx1Delay ?? 1) * 1000;
}

function needsWake(device: EndDevice): boolean {
  const queued =
    (device.session?.queuedApplicationDownlinks.length ?? 0) +
    (device.pendingSession?.queuedApplicationDownlinks.length ?? 0);
  const deviceClass = device.macState?.deviceClass;
  return queued > 0 && (deviceClass === Class.B || deviceClass === Class.C);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

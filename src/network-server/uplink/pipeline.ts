/**
 * The Network Server's uplink path (GsNs.HandleUplink), as a flat list of named steps:
 *
 *   accept        check the reception is worth handling (cheap: garbage is dropped and counted)
 *   deduplicate   collect every reception of the frame (the cluster's Deduplicator window)
 *   route         join-request or rejoin-request → the join part; data uplink → the steps below
 *   decode        the frame (DevAddr, FCtrl, FCnt, FOpts, FPort)
 *   match         the device among the DevAddr's candidates, by MIC and frame counter
 *   commit        session switch, FCnt, MAC commands, ADR — durable (group commit) before going on
 *   publish       the MAC events, `ns.up.data.process`; the device's last-seen time (noted)
 *   forward       the application payload to the Application Server (at least once)
 *   answer        the class A downlink of the uplink's receive windows, when one is due
 *
 * `handleUplink` returns once the reception is accepted; the rest runs after it (a gateway does
 * not wait on the deduplication window). `idle()` waits for the uplinks in flight.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { endDeviceRef } from "../../api/end-device-identifiers.ts";
import { errorDetailsMessage } from "../../api/error-details.ts";
import { asDefinedError } from "../../api/errors.ts";
import type { Deduplicator } from "../../cluster/deduplicator.ts";
import type { DefinedError } from "../../errors/index.ts";
import type { EventBus } from "../../events/index.ts";
import { newUlid } from "../../events/ulid.ts";
import type { FrequencyPlans } from "../../frequency-plans/index.ts";
import type { EndDevice, MACSettings } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import {
  EndDeviceIdentifiersSchema,
  NetworkIdentifiersSchema,
} from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  type ApplicationUp,
  ApplicationUpSchema,
  type UplinkMessage,
  UplinkMessageSchema,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { Logger } from "../../log/logger.ts";
import type { Band } from "../../lorawan/band/index.ts";
import type { AdrAlgorithm } from "../adr/types.ts";
import type { ApplicationUplinkForwarder } from "../application-uplinks/forwarder.ts";
import type { ApplicationUpOutbox } from "../application-uplinks/outbox-relay.ts";
import type { NsDeviceStore } from "../device-store/device-store.ts";
import { dataRateIndexOf } from "../downlink/data-rate.ts";
import type { LastSeenNotes } from "../last-seen/reporter.ts";
import type { OutboxMessage } from "../registry/outbox.ts";
import type { DeviceKey } from "../registry/registry.ts";
import {
  type DefaultMacSettingsConfig,
  defaultMacSettings,
} from "../services/default-mac-settings.ts";
import { type DeviceBand, deviceBand } from "../services/device-band.ts";
import { defaultNewMacState } from "../services/mac-state.ts";
import { uplinkAirtime } from "./airtime.ts";
import { orderCandidates } from "./candidate-order.ts";
import { applyDataUplink, type DataUplinkResult } from "./data-uplink.ts";
import { errBandUnknown, errDataRateUnknown } from "./errors.ts";
import {
  evtDropDataUplink,
  evtProcessDataUplink,
  evtReceiveDataUplink,
  evtReceiveDuplicateUplink,
} from "./events.ts";
import { dataUplinkMessage } from "./frame-message.ts";
import { uplinkMacCommands } from "./mac-commands.ts";
import { effectiveMacSettings } from "./mac-settings.ts";
import {
  type CandidateDrop,
  type DataUplink,
  decodeDataUplink,
  matchDataUplink,
  type UplinkMatch,
} from "./match.ts";
import type { UplinkPipelineMetrics } from "./metrics.ts";

/** The join part, as the pipeline calls it (src/network-server/join/). */
export interface JoinRequestHandler {
  handle(input: {
    uplink: UplinkMessage;
    receivedAtMs: number;
    correlationIds: readonly string[];
  }): Promise<EndDevice | undefined>;
}

/** The downlink part, as the pipeline calls it (src/network-server/downlink/). */
export interface ClassADownlinks {
  afterUplink(opportunity: {
    key: DeviceKey;
    uplink: UplinkMessage;
    device: EndDevice;
    receivedAtMs: number;
    correlationIds: readonly string[];
  }): Promise<void>;
}

export interface UplinkPipelineOptions {
  store: NsDeviceStore;
  deduplicator: Deduplicator<UplinkMessage>;
  joins: JoinRequestHandler;
  downlinks: ClassADownlinks;
  forwarder: ApplicationUplinkForwarder;
  /**
   * When set, an uplink's messages for the Application Server are written in its commit's
   * transaction and handed over through the outbox (nothing lost in a crash after the commit);
   * without it, they are forwarded after the commit.
   */
  outbox?: ApplicationUpOutbox;
  events: EventBus;
  frequencyPlans: FrequencyPlans;
  metrics: UplinkPipelineMetrics;
  logger: Logger;
  deduplicationWindowMs: number;
  cooldownWindowMs: number;
  defaultMacSettings: DefaultMacSettingsConfig;
  /** The NetID, for the uplinks' `network_ids`. */
  netId: Uint8Array;
  /** Notes when devices were seen (accepted data uplinks, retransmissions and joins). */
  lastSeen?: LastSeenNotes;
  /** Uplinks being handled at most; more are dropped (counted). Default 20,000. */
  maxInFlight?: number;
  adr?: AdrAlgorithm;
  now?: () => number;
}

export interface UplinkPipeline {
  /** GsNs.HandleUplink: accepts the reception (or drops it, counted) and returns. */
  handleUplink(message: UplinkMessage): void;
  /** Resolves once every uplink accepted so far is handled. */
  idle(): Promise<void>;
}

// LoRaWAN frames: MHDR + at least a 4-byte MIC; the largest PHYPayload is 255 bytes.
const MIN_FRAME = 5;
const MAX_FRAME = 255;
const M_TYPE_JOIN_REQUEST = 0;
const M_TYPE_REJOIN_REQUEST = 6;
const M_TYPE_UNCONFIRMED_UP = 2;
const M_TYPE_CONFIRMED_UP = 4;

export function createUplinkPipeline(options: UplinkPipelineOptions): UplinkPipeline {
  const { store, events, metrics, logger } = options;
  const now = options.now ?? Date.now;
  const maxInFlight = options.maxInFlight ?? 20_000;
  const window = { windowMs: options.deduplicationWindowMs, cooldownMs: options.cooldownWindowMs };
  const inFlight = new Set<Promise<void>>();
  // The device of each frame handled lately, to tell who a late duplicate belongs to.
  const bandDefaults = new WeakMap<DeviceBand, MACSettings>();
  const recentFrames = new Map<string, { key: DeviceKey; expiresAt: number }>();
  const bands = new Map<string, DeviceBand | DefinedError>();

  const drop = (reason: string) => metrics.dropped.inc({ reason });

  /** accept: the reception is a frame worth the deduplication window. */
  function accept(message: UplinkMessage): number | undefined {
    const raw = message.rawPayload;
    if (message.crcStatus === false) return void drop("crc_failed");
    if (raw.length < MIN_FRAME || raw.length > MAX_FRAME) return void drop("invalid_length");
    if (message.settings?.dataRate?.modulation.case === undefined) return void drop("no_data_rate");
    const mType = (raw[0] as number) >> 5;
    const major = (raw[0] as number) & 0x03;
    if (major !== 0) return void drop("unknown_major");
    if (
      mType !== M_TYPE_JOIN_REQUEST &&
      mType !== M_TYPE_REJOIN_REQUEST &&
      mType !== M_TYPE_UNCONFIRMED_UP &&
      mType !== M_TYPE_CONFIRMED_UP
    )
      return void drop("not_an_uplink");
    return mType;
  }

  /** deduplicate: the first reception gets every reception of the window; others stop here. */
  async function deduplicate(
    frameKey: string,
    message: UplinkMessage,
  ): Promise<UplinkMessage | undefined> {
    const result = await options.deduplicator.add(frameKey, message, window);
    if (result.kind === "duplicate") {
      metrics.receptions.inc({ result: "duplicate" });
      return undefined;
    }
    if (result.kind === "late") {
      metrics.receptions.inc({ result: "late" });
      const known = recentFrames.get(frameKey);
      if (known && known.expiresAt > now())
        events.publish(evtReceiveDuplicateUplink, {
          identifiers: [endDeviceRef(known.key)],
          data: message,
          correlationIds: message.correlationIds,
        });
      return undefined;
    }
    metrics.receptions.inc({ result: "first" });
    return mergeReceptions(result.collected);
  }

  /** decode + match: which device sent the frame, or why nobody did. */
  async function match(
    uplink: DataUplink,
    message: UplinkMessage,
    receivedAtMs: number,
  ): Promise<
    { match: UplinkMatch; band: Band; dataRateIndex: number; channelIndex: number } | undefined
  > {
    const candidates = await store.candidates(uplink.frame.devAddr);
    if (candidates.length === 0) return void drop("unknown_dev_addr");
    const drops: CandidateDrop[] = [];
    for (const device of orderCandidates(candidates)) {
      const found = bandOf(device);
      if (!("band" in found)) {
        drops.push({ device, session: "current", micVerified: false, error: found });
        continue;
      }
      const dataRateIndex = dataRateIndexOf(found.band, message.settings?.dataRate);
      if (dataRateIndex === undefined) {
        drops.push({
          device,
          session: "current",
          micVerified: false,
          error: errDataRateUnknown.create(),
        });
        continue;
      }
      const channelIndex = channelIndexOf(device, message.settings?.frequency ?? 0n);
      const result = matchDataUplink(uplink, [device], {
        dataRateIndex,
        channelIndex,
        receivedAtMs,
      });
      if (result.matched) return { match: result, band: found.band, dataRateIndex, channelIndex };
      drops.push(...result.candidates);
    }
    // A candidate whose MIC verified sent the frame: its reason is the frame's, on its device.
    const owner = drops.find((candidate) => candidate.micVerified);
    if (owner) dropDataUplink(keyOf(owner.device), owner.error, message);
    else drop(drops[0]?.error.definition.name ?? "no_match");
    return undefined;
  }

  function dropDataUplink(key: DeviceKey, error: DefinedError, message: UplinkMessage): void {
    metrics.dropped.inc({ reason: error.definition.name });
    events.publish(evtDropDataUplink, {
      identifiers: [endDeviceRef(key)],
      data: errorDetailsMessage(error, message.correlationIds[0] ?? ""),
      correlationIds: message.correlationIds,
    });
  }

  async function handleData(message: UplinkMessage, receivedAtMs: number): Promise<void> {
    let uplink: DataUplink;
    try {
      uplink = decodeDataUplink(message.rawPayload);
    } catch {
      return void drop("invalid_frame");
    }
    const found = await match(uplink, message, receivedAtMs);
    if (found === undefined) return;
    const { band, dataRateIndex, channelIndex } = found;
    const matched = found.match;
    const key = keyOf(matched.device);
    const correlationIds = message.correlationIds;
    const frameMessage = dataUplinkMessage(uplink.frame, matched.fCnt);
    message.payload = frameMessage;
    message.deviceChannelIndex = channelIndex;
    message.consumedAirtime = uplinkAirtime(message.settings?.dataRate, message.rawPayload.length);
    events.publish(evtReceiveDataUplink, {
      identifiers: [endDeviceRef(key)],
      data: message,
      correlationIds,
    });
    rememberFrame(message, key);

    if (matched.retransmission) {
      // Handled before: not forwarded again, MAC commands not applied again; a confirmed
      // uplink is acknowledged again.
      metrics.uplinks.inc({ result: "retransmission" });
      options.lastSeen?.seen(key.applicationId, key.deviceId, receivedAtMs);
      await options.downlinks.afterUplink({
        key,
        uplink: message,
        device: matched.device,
        receivedAtMs,
        correlationIds,
      });
      return;
    }

    // commit
    let applied: DataUplinkResult | undefined;
    let device: EndDevice | undefined;
    const hasPayload = uplink.frame.fPort !== undefined && uplink.frame.fPort > 0;
    // The messages for the Application Server: the answer to a confirmed downlink, then the
    // uplink's application payload.
    const upsOf = (result: DataUplinkResult) => {
      const ups = [...result.ups];
      if (hasPayload)
        ups.push(applicationUplink(result.device, matched, uplink, message, receivedAtMs));
      return ups;
    };
    let outboxed: { ups: ApplicationUp[]; messages: OutboxMessage[] } | undefined;
    const { outbox } = options;
    const commitOptions = outbox && {
      outbox: () => {
        if (applied === undefined) return [];
        const ups = upsOf(applied);
        outboxed = { ups, messages: outbox.messages(ups) };
        return outboxed.messages;
      },
    };
    try {
      const commands = uplinkMacCommands(
        uplink.frame,
        matched.keys,
        matched.fCnt,
        matched.lorawanVersion === MACVersion.MAC_V1_1,
      );
      const deviceBandFound = bandOf(matched.device) as DeviceBand;
      const macSettings = effectiveMacSettings(
        defaultsOf(deviceBandFound),
        matched.device.macSettings,
      );
      device = await store.commit(
        key,
        (current) => {
          applied = undefined;
          applied = applyDataUplink(current, {
            match: matched,
            message: frameMessage,
            uplink: message,
            commands,
            band,
            dataRateIndex,
            macSettings,
            receivedAtMs,
            ...(options.adr ? { adr: options.adr } : {}),
            initialState: () =>
              defaultNewMacState(current as EndDevice, deviceBandFound, macSettings),
          });
          return applied.device;
        },
        commitOptions,
      );
    } catch (error) {
      return dropDataUplink(key, asDefinedError(error), message);
    }
    if (device === undefined || applied === undefined) return;

    // publish
    for (const event of applied.events)
      events.publish(event.definition, {
        identifiers: [endDeviceRef(key)],
        data: event.data,
        correlationIds,
      });
    events.publish(evtProcessDataUplink, {
      identifiers: [endDeviceRef(key)],
      data: message,
      correlationIds,
    });
    metrics.uplinks.inc({ result: "processed" });
    options.lastSeen?.seen(key.applicationId, key.deviceId, receivedAtMs);

    // forward (at least once: from the outbox written with the commit, when there is one)
    const ups = outboxed?.ups ?? upsOf(applied);
    if (ups.length > 0) {
      try {
        if (outbox && outboxed) await outbox.handOver(ups, outboxed.messages);
        else await options.forwarder.forward(ups);
      } catch (error) {
        metrics.dropped.inc({ reason: "forward_failed" });
        logger.error(
          { err: error, device_id: key.deviceId },
          "an uplink could not be handed to the Application Server",
        );
      }
    }

    // answer
    await options.downlinks.afterUplink({
      key,
      uplink: message,
      device,
      receivedAtMs,
      correlationIds,
    });
  }

  async function handleJoin(message: UplinkMessage, receivedAtMs: number): Promise<void> {
    const device = await options.joins.handle({
      uplink: message,
      receivedAtMs,
      correlationIds: message.correlationIds,
    });
    if (device === undefined) return;
    const key = keyOf(device);
    rememberFrame(message, key);
    options.lastSeen?.seen(key.applicationId, key.deviceId, receivedAtMs);
    await options.downlinks.afterUplink({
      key,
      uplink: message,
      device,
      receivedAtMs,
      correlationIds: message.correlationIds,
    });
  }

  function applicationUplink(
    device: EndDevice,
    matched: UplinkMatch,
    uplink: DataUplink,
    message: UplinkMessage,
    receivedAtMs: number,
  ): ApplicationUp {
    const session = device.session;
    return create(ApplicationUpSchema, {
      endDeviceIds: create(EndDeviceIdentifiersSchema, {
        applicationIds: { applicationId: device.ids?.applicationIds?.applicationId ?? "" },
        deviceId: device.ids?.deviceId ?? "",
        ...(device.ids?.devEui ? { devEui: device.ids.devEui } : {}),
        ...(device.ids?.joinEui ? { joinEui: device.ids.joinEui } : {}),
        devAddr: uplink.frame.devAddr,
      }),
      correlationIds: message.correlationIds,
      receivedAt: timestampFromMs(receivedAtMs),
      up: {
        case: "uplinkMessage",
        value: {
          sessionKeyId: session?.keys?.sessionKeyId ?? new Uint8Array(),
          fPort: uplink.frame.fPort ?? 0,
          fCnt: matched.fCnt,
          frmPayload: uplink.frame.frmPayload,
          rxMetadata: message.rxMetadata,
          settings: message.settings,
          receivedAt: timestampFromMs(receivedAtMs),
          confirmed: uplink.frame.mType === "confirmedDataUp",
          consumedAirtime: message.consumedAirtime,
          lastAFCntDown: session?.lastAFCntDown ?? 0,
          networkIds: create(NetworkIdentifiersSchema, { netId: options.netId }),
          ...(device.versionIds ? { versionIds: device.versionIds } : {}),
        },
      },
    });
  }

  /** The band's default MAC settings, built once per band (read only: shared by uplinks). */
  function defaultsOf(band: DeviceBand): MACSettings {
    let defaults = bandDefaults.get(band);
    if (defaults === undefined) {
      defaults = defaultMacSettings(band, options.defaultMacSettings);
      bandDefaults.set(band, defaults);
    }
    return defaults;
  }

  function bandOf(device: EndDevice): DeviceBand | DefinedError {
    const id = `${device.frequencyPlanId}/${device.lorawanPhyVersion}`;
    let found = bands.get(id);
    if (found === undefined) {
      try {
        found = deviceBand(
          options.frequencyPlans,
          device.frequencyPlanId,
          device.lorawanPhyVersion,
        );
      } catch (error) {
        found = errBandUnknown.create({ frequency_plan_id: device.frequencyPlanId }, error);
      }
      bands.set(id, found);
    }
    return found;
  }

  function rememberFrame(message: UplinkMessage, key: DeviceKey): void {
    const at = now();
    if (recentFrames.size > 10_000)
      for (const [frame, entry] of recentFrames)
        if (entry.expiresAt <= at) recentFrames.delete(frame);
    recentFrames.set(frameKeyOf(message), {
      key,
      expiresAt: at + window.windowMs + window.cooldownMs,
    });
  }

  async function process(message: UplinkMessage, mType: number): Promise<void> {
    const merged = await deduplicate(frameKeyOf(message), message);
    if (merged === undefined) return;
    const receivedAtMs = merged.receivedAt ? timestampMs(merged.receivedAt) : now();
    if (mType === M_TYPE_JOIN_REQUEST || mType === M_TYPE_REJOIN_REQUEST)
      await handleJoin(merged, receivedAtMs);
    else await handleData(merged, receivedAtMs);
  }

  return {
    handleUplink(message) {
      const mType = accept(message);
      if (mType === undefined) return;
      if (inFlight.size >= maxInFlight) return void drop("overloaded");
      const received = create(UplinkMessageSchema, {
        ...message,
        receivedAt: timestampFromMs(now()),
        correlationIds: [...message.correlationIds, `ns:uplink:${newUlid().id}`],
      });
      const running = process(received, mType).catch((error: unknown) => {
        metrics.dropped.inc({ reason: "internal" });
        logger.error({ err: error }, "handling an uplink failed");
      });
      inFlight.add(running);
      void running.finally(() => inFlight.delete(running));
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}

/** Receptions of one frame as one uplink: every gateway's metadata, the first's settings. */
function mergeReceptions(collected: readonly UplinkMessage[]): UplinkMessage {
  const first = collected[0] as UplinkMessage;
  if (collected.length === 1) return first;
  const correlationIds = new Set<string>();
  for (const message of collected) for (const id of message.correlationIds) correlationIds.add(id);
  return create(UplinkMessageSchema, {
    ...first,
    rxMetadata: collected.flatMap((message) => message.rxMetadata),
    correlationIds: [...correlationIds],
  });
}

function frameKeyOf(message: UplinkMessage): string {
  return Buffer.from(message.rawPayload).toString("base64");
}

function keyOf(device: EndDevice): DeviceKey {
  return {
    applicationId: device.ids?.applicationIds?.applicationId ?? "",
    deviceId: device.ids?.deviceId ?? "",
  };
}

/** The index of the device's channel the uplink came on (0 when the frequency is not one). */
function channelIndexOf(device: EndDevice, frequency: bigint): number {
  const channels = (device.pendingMacState ?? device.macState)?.currentParameters?.channels ?? [];
  const index = channels.findIndex((channel) => channel.uplinkFrequency === frequency);
  return index < 0 ? 0 : index;
}

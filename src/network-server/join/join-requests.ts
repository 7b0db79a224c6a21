/**
 * The Network Server's side of joins (The Things Stack's handleJoinRequest): a deduplicated
 * join-request is decoded, its device found by JoinEUI and DevEUI, a DevAddr and the join-accept
 * settings chosen, the Join Server asked, and the answer stored as the device's pending session
 * and pending MAC state, the join-accept queued for the downlink scheduler. The Application
 * Server gets the join-accept's AppSKey. A request that cannot be served is dropped with its
 * reason as `ns.up.join.drop`; nothing is stored then.
 *
 * LoRaWAN 1.1 rejoin-requests (which The Things Stack drops) take the same path, as §6.2.4 asks
 * of a Network Server: the device by JoinEUI and DevEUI (type 1) or by home NetID and DevEUI
 * (types 0 and 2, whose MIC and RJcount0 are checked here: rejoin-request.ts), the Join Server
 * asked with the rejoin's payload, its join-accept (encrypted with the JSEncKey) queued like a
 * join-accept. The current session stays until the device uses the new one. Events are
 * `ns.up.rejoin.receive`, `.drop` and `.process`.
 */
import { clone, create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { errorDetailsMessage } from "../../api/error-details.ts";
import { asDefinedError } from "../../api/errors.ts";
import type { EntityRef, EventBus } from "../../events/index.ts";
import type { FrequencyPlans } from "../../frequency-plans/index.ts";
import type { EndDevice } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { EndDeviceIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import type { JoinResponse } from "../../gen/ttn/lorawan/v3/join_pb.js";
import { MACVersion, MType } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  type ApplicationUp,
  ApplicationUpSchema,
  type UplinkMessage,
  UplinkMessageSchema,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { KeyVault } from "../../key-vault/index.ts";
import type { Logger } from "../../log/logger.ts";
import {
  decodePhyPayload,
  type JoinRequestFrame,
  type RejoinRequestFrame,
} from "../../lorawan/codec/index.ts";
import { formatHex } from "../../lorawan/types/index.ts";
import type { ApplicationUplinkForwarder } from "../application-uplinks/forwarder.ts";
import type { ApplicationUpOutbox } from "../application-uplinks/outbox-relay.ts";
import type { NetworkServerConfig } from "../config.ts";
import { devAddrPrefixesOf, parseNetId, type RandomBelow } from "../dev-addr/index.ts";
import type { NsDeviceStore } from "../device-store/device-store.ts";
import { versionAtLeast } from "../mac/commands.ts";
import { newMacState } from "../mac/new-state.ts";
import type { OutboxMessage } from "../registry/outbox.ts";
import { defaultMacSettings } from "../services/default-mac-settings.ts";
import { deviceBand } from "../services/device-band.ts";
import type { DevEuiLookup } from "./dev-eui-lookup.ts";
import {
  errAbpJoinRequest,
  errDecodePayload,
  errDevEuiAmbiguous,
  errDevEuiLookupMissing,
  errDevEuiNotFound,
  errDeviceChanged,
  errDeviceNotFound,
  errNotJoinRequest,
  errRejoinNetIdMismatch,
  errRejoinNotLorawan11,
  errUplinkChannelNotFound,
} from "./errors.ts";
import {
  evtDropJoinRequest,
  evtDropRejoinRequest,
  evtProcessJoinRequest,
  evtProcessRejoinRequest,
  evtReceiveJoinRequest,
  evtReceiveRejoinRequest,
} from "./events.ts";
import { buildJoinRequest, newDevAddr } from "./join-request.ts";
import type { JoinServerClient } from "./join-server-client.ts";
import { networkSessionKeys, pendingState } from "./pending-state.ts";
import { checkRejoinRequest, keepRadioParameters, rejoinRules } from "./rejoin-request.ts";

export interface JoinRequestInput {
  /** `raw_payload` is the PHYPayload; rx metadata of every gateway, settings. */
  uplink: UplinkMessage;
  receivedAtMs: number;
  correlationIds: readonly string[];
}

export interface JoinRequests {
  /**
   * A deduplicated join-request (or rejoin-request) uplink. Resolves with the device as stored,
   * its pending session and pending MAC state set and `pending_mac_state.queued_join_accept`
   * holding the Join Server's join-accept, ready for the downlink scheduler; or `undefined`
   * when the request is dropped (reason published as `ns.up.join.drop`). Never throws.
   */
  handle(input: JoinRequestInput): Promise<EndDevice | undefined>;
}

export interface JoinRequestsOptions {
  store: NsDeviceStore;
  joinServers: JoinServerClient;
  forwarder: ApplicationUplinkForwarder;
  /** When set, the join-accept for the AS is written in the join's commit (see the pipeline's). */
  outbox?: ApplicationUpOutbox | undefined;
  events: EventBus;
  frequencyPlans: FrequencyPlans;
  config: NetworkServerConfig["ns"];
  /** Unwraps the network session keys the Join Server wrapped for this Network Server. */
  keyVault: KeyVault;
  logger: Logger;
  /** DevAddr draws (tests); default `crypto.randomInt`. */
  random?: RandomBelow;
  /** Told the error name of every dropped request (a metric's counter). */
  countDrop?: (reason: string) => void;
  /**
   * Finds devices by DevEUI for rejoin-requests of types 0 and 2 (`sqlDevEuiLookup`); without
   * it those are dropped as `dev_eui_lookup_missing`.
   */
  devEuiLookup?: DevEuiLookup;
}

/** A decoded join-request or rejoin-request. */
type RequestFrame =
  | { kind: "join"; frame: JoinRequestFrame }
  | { kind: "rejoin"; frame: RejoinRequestFrame };

/** The events of each kind of request. */
const kindEvents = {
  join: {
    receive: evtReceiveJoinRequest,
    drop: evtDropJoinRequest,
    process: evtProcessJoinRequest,
    mType: MType.JOIN_REQUEST,
  },
  rejoin: {
    receive: evtReceiveRejoinRequest,
    drop: evtDropRejoinRequest,
    process: evtProcessRejoinRequest,
    mType: MType.REJOIN_REQUEST,
  },
} as const;

/** The end device an event is about. */
function deviceRef(device: EndDevice): EntityRef[] {
  const applicationId = device.ids?.applicationIds?.applicationId;
  const deviceId = device.ids?.deviceId;
  return applicationId && deviceId
    ? [{ kind: "end_device", id: `${applicationId}.${deviceId}` }]
    : [];
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array | undefined) =>
  (a?.length ?? 0) === (b?.length ?? 0) && (a ?? []).every((byte, i) => byte === b?.[i]);

/** The join-request or rejoin-request frame of a PHYPayload; throws why it is none. */
function requestFrame(raw: Uint8Array): RequestFrame {
  let frame: ReturnType<typeof decodePhyPayload>;
  try {
    frame = decodePhyPayload(raw);
  } catch (error) {
    throw errDecodePayload.create({ reason: asDefinedError(error).message }, error);
  }
  if (frame.mType === "joinRequest") return { kind: "join", frame };
  if (frame.mType === "rejoinRequest") return { kind: "rejoin", frame };
  throw errNotJoinRequest.create({ m_type: frame.mType });
}

/** The kind of request a PHYPayload holds, for its drop event; `join` when it holds none. */
function kindOf(raw: Uint8Array): RequestFrame["kind"] {
  try {
    return requestFrame(raw).kind;
  } catch {
    return "join";
  }
}

/** Whether what the new MAC state was built from is still the stored device's. */
function unchanged(stored: EndDevice, seen: EndDevice, sameSession: boolean): boolean {
  return (
    stored.supportsJoin &&
    // A rejoin of type 0 or 2 was checked against the session it was signed in.
    (!sameSession ||
      sameBytes(stored.session?.keys?.sessionKeyId, seen.session?.keys?.sessionKeyId)) &&
    sameBytes(stored.ids?.joinEui, seen.ids?.joinEui) &&
    sameBytes(stored.ids?.devEui, seen.ids?.devEui) &&
    stored.frequencyPlanId === seen.frequencyPlanId &&
    stored.lorawanPhyVersion === seen.lorawanPhyVersion &&
    stored.lorawanVersion === seen.lorawanVersion
  );
}

export function createJoinRequests(options: JoinRequestsOptions): JoinRequests {
  const { outbox } = options;
  const { store, joinServers, forwarder, events, frequencyPlans, config, keyVault, logger } =
    options;
  const netIdValue = parseNetId(config.net_id);
  const netId = Uint8Array.of(
    (netIdValue >>> 16) & 0xff,
    (netIdValue >>> 8) & 0xff,
    netIdValue & 0xff,
  );
  const prefixes = devAddrPrefixesOf(netIdValue, config.dev_addr_prefixes);

  /** The device a request names; throws `device_not_found` and the like when there is none. */
  async function findDevice(request: RequestFrame): Promise<EndDevice> {
    const { frame } = request;
    if (frame.mType === "joinRequest" || frame.rejoinType === 1) {
      const device = await store.getByEuis(frame.joinEui, frame.devEui);
      if (device) return device;
      throw errDeviceNotFound.create({
        join_eui: formatHex(frame.joinEui),
        dev_eui: formatHex(frame.devEui),
      });
    }
    // Types 0 and 2 name the home network and the DevEUI: ours, or not served here.
    if (!sameBytes(frame.netId, netId)) {
      throw errRejoinNetIdMismatch.create({ net_id: formatHex(frame.netId) });
    }
    if (!options.devEuiLookup) throw errDevEuiLookupMissing.create();
    const devEui = formatHex(frame.devEui);
    const keys = await options.devEuiLookup.keysByDevEui(frame.devEui);
    const found = (await Promise.all(keys.map((key) => store.get(key)))).filter(
      (device): device is EndDevice =>
        device?.supportsJoin === true && sameBytes(device.ids?.devEui, frame.devEui),
    );
    const [only, ...others] = found;
    if (!only) throw errDevEuiNotFound.create({ dev_eui: devEui });
    if (others.length > 0) throw errDevEuiAmbiguous.create({ dev_eui: devEui });
    return only;
  }

  async function join(
    input: JoinRequestInput,
    request: RequestFrame,
    about: { identifiers: EntityRef[] },
  ): Promise<EndDevice> {
    const { uplink, correlationIds } = input;
    const kind = kindEvents[request.kind];
    const rejoin = request.kind === "rejoin" ? request.frame : undefined;
    const rules = rejoin ? rejoinRules[rejoin.rejoinType] : undefined;
    const rjCount0 = rejoin && rejoin.rejoinType !== 1 ? rejoin.rjCount0 : undefined;

    const device = await findDevice(request);
    about.identifiers = deviceRef(device);
    events.publish(kind.receive, {
      identifiers: about.identifiers,
      data: uplink,
      correlationIds,
    });
    if (!device.supportsJoin) throw errAbpJoinRequest.create();

    const planAndBand = deviceBand(
      frequencyPlans,
      device.frequencyPlanId,
      device.lorawanPhyVersion,
    );
    const defaults = defaultMacSettings(planAndBand, config.default_mac_settings);
    const fresh = newMacState(device, planAndBand, defaults);
    if (rejoin) {
      if (!versionAtLeast(fresh, MACVersion.MAC_V1_1)) {
        throw errRejoinNotLorawan11.create({ lorawan_version: MACVersion[fresh.lorawanVersion] });
      }
      checkRejoinRequest(device, rejoin, uplink.rawPayload);
    }
    const keepsContext = rules?.keepsContext ?? false;
    const macState = keepsContext ? keepRadioParameters(fresh, device) : fresh;
    const frequency = uplink.settings?.frequency ?? 0n;
    const deviceChannelIndex =
      macState.currentParameters?.channels.findIndex(
        (channel) => channel.enableUplink && channel.uplinkFrequency === frequency,
      ) ?? -1;
    if (deviceChannelIndex < 0) throw errUplinkChannelNotFound.create({ frequency });

    const currentDevAddr = device.session?.devAddr;
    const joinRequest = buildJoinRequest({
      device,
      band: planAndBand.band,
      macState,
      uplink,
      devAddr:
        keepsContext && currentDevAddr?.length === 4
          ? currentDevAddr
          : newDevAddr(device, prefixes, options.random),
      netId,
      correlationIds,
      keepRadioParameters: keepsContext,
    });
    const joinEui = device.ids?.joinEui ?? new Uint8Array(8);
    const response = await joinServers.handleJoin(joinRequest, joinEui, about.identifiers);
    const keys = await networkSessionKeys(
      keyVault,
      response,
      versionAtLeast(macState, MACVersion.MAC_V1_1),
    );
    const pending = pendingState({
      macState,
      request: joinRequest,
      response,
      keys,
      uplink,
      deviceChannelIndex,
      receivedAtMs: input.receivedAtMs,
      mType: kind.mType,
    });

    const key = {
      applicationId: device.ids?.applicationIds?.applicationId ?? "",
      deviceId: device.ids?.deviceId ?? "",
    };
    const joinCorrelationIds = pending.macState.queuedJoinAccept?.correlationIds ?? correlationIds;
    const up = joinAcceptUp(device, pending.session.devAddr, input, response, joinCorrelationIds);
    let outboxed: OutboxMessage[] | undefined;
    const commitOptions = outbox && {
      outbox: () => {
        outboxed = outbox.messages([up]);
        return outboxed;
      },
    };
    const stored = await store.commit(
      key,
      (current) => {
        // The Join Server took a DevNonce (or RJcount) by now; a device changed meanwhile joins
        // again.
        if (!current || !unchanged(current, device, rjCount0 !== undefined))
          throw errDeviceChanged.create();
        // A concurrent rejoin may have taken this RJcount0 meanwhile.
        if (rejoin) checkRejoinRequest(current, rejoin, uplink.rawPayload);
        // The current session stays until the device uses the pending one.
        current.pendingSession = pending.session;
        current.pendingMacState = pending.macState;
        if (rjCount0 !== undefined) current.lastRjCount0 = rjCount0;
        return current;
      },
      commitOptions,
    );
    if (!stored) throw errDeviceChanged.create();

    await forwardJoinAccept(stored, up, outboxed);
    const processed = clone(UplinkMessageSchema, uplink);
    processed.deviceChannelIndex = deviceChannelIndex;
    events.publish(kind.process, {
      identifiers: about.identifiers,
      data: processed,
      correlationIds: joinCorrelationIds,
    });
    return stored;
  }

  /**
   * The join-accept's AppSKey, as the Join Server wrapped it, goes to the Application Server
   * (from the outbox written with the pending session, when there is one). The join stands when
   * that fails: the Application Server can still ask the Join Server.
   */
  async function forwardJoinAccept(
    device: EndDevice,
    up: ApplicationUp,
    outboxed: readonly OutboxMessage[] | undefined,
  ): Promise<void> {
    try {
      if (outbox && outboxed) await outbox.handOver([up], outboxed);
      else await forwarder.forward([up]);
    } catch (error) {
      logger.warn(
        { err: error, identifiers: deviceRef(device) },
        "join-accept not forwarded to the Application Server",
      );
    }
  }

  return {
    async handle(input) {
      const about = { identifiers: [] as EntityRef[] };
      try {
        return await join(input, requestFrame(input.uplink.rawPayload), about);
      } catch (error) {
        const defined = asDefinedError(error);
        const kind = kindOf(input.uplink.rawPayload);
        logger.debug({ err: defined, identifiers: about.identifiers }, `${kind}-request dropped`);
        options.countDrop?.(defined.definition.name);
        events.publish(kindEvents[kind].drop, {
          identifiers: about.identifiers,
          data: errorDetailsMessage(defined, input.correlationIds[0] ?? ""),
          correlationIds: input.correlationIds,
        });
        return undefined;
      }
    },
  };
}

/** The `join_accept` for the Application Server: the new session's key ID and wrapped AppSKey. */
function joinAcceptUp(
  device: EndDevice,
  devAddr: Uint8Array,
  input: JoinRequestInput,
  response: JoinResponse,
  correlationIds: readonly string[],
): ApplicationUp {
  const ids = clone(EndDeviceIdentifiersSchema, device.ids ?? create(EndDeviceIdentifiersSchema));
  ids.devAddr = devAddr;
  const receivedAt = timestampFromMs(input.receivedAtMs);
  return create(ApplicationUpSchema, {
    endDeviceIds: ids,
    correlationIds: [...correlationIds],
    receivedAt,
    up: {
      case: "joinAccept",
      value: {
        sessionKeyId: response.sessionKeys?.sessionKeyId ?? new Uint8Array(),
        appSKey: response.sessionKeys?.appSKey,
        receivedAt,
      },
    },
  });
}

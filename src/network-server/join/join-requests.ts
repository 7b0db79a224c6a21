/**
 * The Network Server's side of joins (The Things Stack's handleJoinRequest): a deduplicated
 * join-request is decoded, its device found by JoinEUI and DevEUI, a DevAddr and the join-accept
 * settings chosen, the Join Server asked, and the answer stored as the device's pending session
 * and pending MAC state, the join-accept queued for the downlink scheduler. The Application
 * Server gets the join-accept's AppSKey. A request that cannot be served is dropped with its
 * reason as `ns.up.join.drop`; nothing is stored then.
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
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  ApplicationUpSchema,
  type UplinkMessage,
  UplinkMessageSchema,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { KeyVault } from "../../key-vault/index.ts";
import type { Logger } from "../../log/logger.ts";
import { decodePhyPayload, type JoinRequestFrame } from "../../lorawan/codec/index.ts";
import { formatHex } from "../../lorawan/types/index.ts";
import type { ApplicationUplinkForwarder } from "../application-uplinks/forwarder.ts";
import type { NetworkServerConfig } from "../config.ts";
import { devAddrPrefixesOf, parseNetId, type RandomBelow } from "../dev-addr/index.ts";
import type { NsDeviceStore } from "../device-store/device-store.ts";
import { versionAtLeast } from "../mac/commands.ts";
import { newMacState } from "../mac/new-state.ts";
import { defaultMacSettings } from "../services/default-mac-settings.ts";
import { deviceBand } from "../services/device-band.ts";
import {
  errAbpJoinRequest,
  errDecodePayload,
  errDeviceChanged,
  errDeviceNotFound,
  errNotJoinRequest,
  errRejoinRequest,
  errUplinkChannelNotFound,
} from "./errors.ts";
import { evtDropJoinRequest, evtProcessJoinRequest, evtReceiveJoinRequest } from "./events.ts";
import { buildJoinRequest, newDevAddr } from "./join-request.ts";
import type { JoinServerClient } from "./join-server-client.ts";
import { networkSessionKeys, pendingState } from "./pending-state.ts";

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
}

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

/** The join-request frame of a PHYPayload; throws why it is none. */
function joinRequestFrame(raw: Uint8Array): JoinRequestFrame {
  let frame: ReturnType<typeof decodePhyPayload>;
  try {
    frame = decodePhyPayload(raw);
  } catch (error) {
    throw errDecodePayload.create({ reason: asDefinedError(error).message }, error);
  }
  // As The Things Stack: rejoin-requests are recognised, not served.
  if (frame.mType === "rejoinRequest") throw errRejoinRequest.create();
  if (frame.mType !== "joinRequest") throw errNotJoinRequest.create({ m_type: frame.mType });
  return frame;
}

/** Whether what the new MAC state was built from is still the stored device's. */
function unchanged(stored: EndDevice, seen: EndDevice): boolean {
  return (
    stored.supportsJoin &&
    sameBytes(stored.ids?.joinEui, seen.ids?.joinEui) &&
    sameBytes(stored.ids?.devEui, seen.ids?.devEui) &&
    stored.frequencyPlanId === seen.frequencyPlanId &&
    stored.lorawanPhyVersion === seen.lorawanPhyVersion &&
    stored.lorawanVersion === seen.lorawanVersion
  );
}

export function createJoinRequests(options: JoinRequestsOptions): JoinRequests {
  const { store, joinServers, forwarder, events, frequencyPlans, config, keyVault, logger } =
    options;
  const netIdValue = parseNetId(config.net_id);
  const netId = Uint8Array.of(
    (netIdValue >>> 16) & 0xff,
    (netIdValue >>> 8) & 0xff,
    netIdValue & 0xff,
  );
  const prefixes = devAddrPrefixesOf(netIdValue, config.dev_addr_prefixes);

  async function join(
    input: JoinRequestInput,
    about: { identifiers: EntityRef[] },
  ): Promise<EndDevice> {
    const { uplink, correlationIds } = input;
    const frame = joinRequestFrame(uplink.rawPayload);

    const device = await store.getByEuis(frame.joinEui, frame.devEui);
    if (!device) {
      throw errDeviceNotFound.create({
        join_eui: formatHex(frame.joinEui),
        dev_eui: formatHex(frame.devEui),
      });
    }
    about.identifiers = deviceRef(device);
    events.publish(evtReceiveJoinRequest, {
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
    const macState = newMacState(device, planAndBand, defaults);
    const frequency = uplink.settings?.frequency ?? 0n;
    const deviceChannelIndex =
      macState.currentParameters?.channels.findIndex(
        (channel) => channel.enableUplink && channel.uplinkFrequency === frequency,
      ) ?? -1;
    if (deviceChannelIndex < 0) throw errUplinkChannelNotFound.create({ frequency });

    const request = buildJoinRequest({
      device,
      band: planAndBand.band,
      macState,
      uplink,
      devAddr: newDevAddr(device, prefixes, options.random),
      netId,
      correlationIds,
    });
    const response = await joinServers.handleJoin(request, frame.joinEui, about.identifiers);
    const keys = await networkSessionKeys(
      keyVault,
      response,
      versionAtLeast(macState, MACVersion.MAC_V1_1),
    );
    const pending = pendingState({
      macState,
      request,
      response,
      keys,
      uplink,
      deviceChannelIndex,
      receivedAtMs: input.receivedAtMs,
    });

    const key = {
      applicationId: device.ids?.applicationIds?.applicationId ?? "",
      deviceId: device.ids?.deviceId ?? "",
    };
    const stored = await store.commit(key, (current) => {
      // The Join Server took a DevNonce by now; a device changed meanwhile joins again.
      if (!current || !unchanged(current, device)) throw errDeviceChanged.create();
      current.pendingSession = pending.session;
      current.pendingMacState = pending.macState;
      return current;
    });
    if (!stored) throw errDeviceChanged.create();

    const joinCorrelationIds = pending.macState.queuedJoinAccept?.correlationIds ?? correlationIds;
    await forwardJoinAccept(stored, input, response, joinCorrelationIds);
    const processed = clone(UplinkMessageSchema, uplink);
    processed.deviceChannelIndex = deviceChannelIndex;
    events.publish(evtProcessJoinRequest, {
      identifiers: about.identifiers,
      data: processed,
      correlationIds: joinCorrelationIds,
    });
    return stored;
  }

  /**
   * The join-accept's AppSKey, as the Join Server wrapped it, goes to the Application Server.
   * The join stands when that fails: the Application Server can still ask the Join Server.
   */
  async function forwardJoinAccept(
    device: EndDevice,
    input: JoinRequestInput,
    response: JoinResponse,
    correlationIds: readonly string[],
  ): Promise<void> {
    const ids = clone(EndDeviceIdentifiersSchema, device.ids ?? create(EndDeviceIdentifiersSchema));
    ids.devAddr = device.pendingSession?.devAddr ?? new Uint8Array();
    const receivedAt = timestampFromMs(input.receivedAtMs);
    const up = create(ApplicationUpSchema, {
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
    try {
      await forwarder.forward([up]);
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
        return await join(input, about);
      } catch (error) {
        const defined = asDefinedError(error);
        logger.debug({ err: defined, identifiers: about.identifiers }, "join-request dropped");
        options.countDrop?.(defined.definition.name);
        events.publish(evtDropJoinRequest, {
          identifiers: about.identifiers,
          data: errorDetailsMessage(defined, input.correlationIds[0] ?? ""),
          correlationIds: input.correlationIds,
        });
        return undefined;
      }
    },
  };
}

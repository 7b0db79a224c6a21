/**
 * The Join Server's side of LoRaWAN Backend Interfaces: JoinReq, AppSKeyReq and HomeNSReq
 * translated to the {@link JoinHandler} and back. The sender is already authenticated by its
 * client certificate (src/interop/server.ts); a join is asked for with the SenderID as the
 * Network Server's NetID (the handler serves it only for the device's home network), the
 * AppSKey with the SenderID as the Application Server's AS-ID. Join Server errors become
 * result codes through one table, {@link joinServerResults}.
 */
import { create } from "@bufbuild/protobuf";
import { DefinedError, type ErrorDefinition } from "../errors/index.ts";
import { JoinRequestSchema } from "../gen/ttn/lorawan/v3/join_pb.js";
import { SessionKeyRequestSchema } from "../gen/ttn/lorawan/v3/joinserver_pb.js";
import type { KeyEnvelope } from "../gen/ttn/lorawan/v3/keys_pb.js";
import {
  CFListSchema,
  CFListType,
  type DataRateIndex,
  type DataRateOffset,
  DLSettingsSchema,
  MACVersion,
  type RxDelay,
} from "../gen/ttn/lorawan/v3/lorawan_pb.js";
import { type KeyEnvelopeJson, toHex } from "../interop/fields.ts";
import type { AnswerBodies, JoinReq } from "../interop/messages.ts";
import {
  errActivationDisallowed,
  errJoinReqFailed,
  errMalformedMessage,
  errMicFailed,
  errOther,
  errUnknownDevEui,
  errUnknownReceiver,
} from "../interop/result-codes.ts";
import type { InteropHandlers } from "../interop/server.ts";
import { decodeCfList, decodePhyPayload } from "../lorawan/codec/index.ts";
import {
  errDecodeJoinRequest,
  errDeviceAmbiguous,
  errDeviceNotFound,
  errDevNonceReused,
  errDevNonceTooSmall,
  errJoinNonceExhausted,
  errMicMismatch,
  errNetIdMismatch,
  errNoAppKey,
  errNoNwkKey,
  errRejoinCountTooSmall,
  errSessionKeysNotFound,
  errUnknownJoinEui,
  errUnsupportedJoinRequest,
  errUnsupportedMacVersion,
} from "./errors.ts";
import type { JoinHandler } from "./join-handler.ts";

/**
 * What a Join Server error becomes in a Backend Interfaces answer, as The Things Stack's Join
 * Server maps them: a MIC mismatch is MICFailed, an unknown device UnknownDevEUI, a sender
 * that is not the device's home network ActivationDisallowed, an undecodable payload
 * MalformedMessage, the nonce and version refusals JoinReqFailed, a JoinEUI (the receiver of a
 * JoinReq) this Join Server does not serve UnknownReceiver; anything else is Other.
 */
export const joinServerResults = new Map<ErrorDefinition, ErrorDefinition>([
  [errMicMismatch, errMicFailed],
  [errDeviceNotFound, errUnknownDevEui],
  [errUnknownJoinEui, errUnknownReceiver],
  [errSessionKeysNotFound, errUnknownDevEui],
  [errNetIdMismatch, errActivationDisallowed],
  [errDecodeJoinRequest, errMalformedMessage],
  [errUnsupportedJoinRequest, errMalformedMessage],
  [errDevNonceReused, errJoinReqFailed],
  [errDevNonceTooSmall, errJoinReqFailed],
  [errRejoinCountTooSmall, errJoinReqFailed],
  [errJoinNonceExhausted, errJoinReqFailed],
  [errUnsupportedMacVersion, errJoinReqFailed],
  [errNoAppKey, errJoinReqFailed],
  [errNoNwkKey, errJoinReqFailed],
  [errDeviceAmbiguous, errJoinReqFailed],
]);

/**
 * The interop error for an error of the Join Server (its message as the Description); an
 * error that is not one of the table's is Other, described only as "internal error".
 */
export function interopErrorOf(error: unknown): Error {
  for (const [definition, result] of joinServerResults) {
    if (definition.matches(error)) return result.create({ description: error.message }, error);
  }
  if (error instanceof DefinedError && error.definition.namespace === "interop") return error;
  return errOther.create({ description: "internal error" }, error);
}

/** MAC versions whose sessions have three network session keys. */
const threeNetworkKeys: ReadonlySet<MACVersion> = new Set([
  MACVersion.MAC_V1_1,
  MACVersion.MAC_V1_2_0,
]);

/** A KeyEnvelope as Backend Interfaces writes it; `undefined` when it holds no key. */
export function keyEnvelopeJson(envelope: KeyEnvelope | undefined): KeyEnvelopeJson | undefined {
  if (!envelope) return undefined;
  if (envelope.kekLabel !== "" && envelope.encryptedKey.length > 0) {
    return { KEKLabel: envelope.kekLabel, AESKey: toHex(envelope.encryptedKey) };
  }
  if (envelope.key.length > 0) return { KEKLabel: "", AESKey: toHex(envelope.key) };
  return undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

/**
 * The PHYPayload must be a join-request (or rejoin-request) of the device and JoinEUI the
 * message names: a Network Server cannot have one device's keys derived for another's request.
 */
function checkPayload(message: JoinReq): void {
  let frame: ReturnType<typeof decodePhyPayload>;
  try {
    frame = decodePhyPayload(message.PHYPayload);
  } catch (error) {
    throw errMalformedMessage.create({ description: "PHYPayload: not a LoRaWAN frame" }, error);
  }
  if (frame.mType !== "joinRequest" && frame.mType !== "rejoinRequest") {
    throw errMalformedMessage.create({ description: "PHYPayload: not a join-request" });
  }
  if (!sameBytes(frame.devEui, message.DevEUI)) {
    throw errMalformedMessage.create({ description: "DevEUI: not the PHYPayload's" });
  }
  if ("joinEui" in frame && !sameBytes(frame.joinEui, message.ReceiverID)) {
    throw errMalformedMessage.create({ description: "ReceiverID: not the PHYPayload's JoinEUI" });
  }
}

/** The CFList of the message (16 bytes), as the JoinRequest carries it. */
function cfListOf(bytes: Uint8Array | undefined) {
  if (!bytes || bytes.length === 0) return undefined;
  let decoded: ReturnType<typeof decodeCfList>;
  try {
    decoded = decodeCfList(bytes, 0);
  } catch (error) {
    throw errMalformedMessage.create({ description: "CFList: unknown CFListType" }, error);
  }
  if (decoded.type === 0) {
    return create(CFListSchema, {
      type: CFListType.FREQUENCIES,
      freq: decoded.frequencies.filter((hz) => hz > 0).map((hz) => hz / 100),
    });
  }
  const chMasks: boolean[] = [];
  for (const mask of decoded.channelMasks) {
    for (let bit = 0; bit < 16; bit++) chMasks.push((mask & (1 << bit)) !== 0);
  }
  return create(CFListSchema, { type: CFListType.CHANNEL_MASKS, chMasks });
}

function dlSettingsOf(byte: number) {
  return create(DLSettingsSchema, {
    optNeg: (byte & 0x80) !== 0,
    rx1DrOffset: ((byte >>> 4) & 0x07) as DataRateOffset,
    rx2Dr: (byte & 0x0f) as DataRateIndex,
  });
}

/** The Backend Interfaces handlers of a Join Server, to register on the interop server. */
export function joinServerInterop(handler: JoinHandler): InteropHandlers {
  return {
    async JoinReq(message): Promise<AnswerBodies["JoinReq"]> {
      checkPayload(message);
      const request = create(JoinRequestSchema, {
        rawPayload: message.PHYPayload,
        devAddr: message.DevAddr,
        selectedMacVersion: message.MACVersion,
        netId: message.SenderID,
        downlinkSettings: dlSettingsOf(message.DLSettings[0] ?? 0),
        rxDelay: message.RxDelay as RxDelay,
        cfList: cfListOf(message.CFList),
      });
      let response: Awaited<ReturnType<JoinHandler["handleJoin"]>>;
      try {
        response = await handler.handleJoin(request, { kind: "interop", netId: message.SenderID });
      } catch (error) {
        throw interopErrorOf(error);
      }
      const keys = response.sessionKeys;
      const answer: AnswerBodies["JoinReq"] = { PHYPayload: toHex(response.rawPayload) };
      if (response.lifetime) answer.Lifetime = Number(response.lifetime.seconds);
      if (threeNetworkKeys.has(message.MACVersion)) {
        answer.FNwkSIntKey = keyEnvelopeJson(keys?.fNwkSIntKey);
        answer.SNwkSIntKey = keyEnvelopeJson(keys?.sNwkSIntKey);
        answer.NwkSEncKey = keyEnvelopeJson(keys?.nwkSEncKey);
      } else {
        answer.NwkSKey = keyEnvelopeJson(keys?.fNwkSIntKey);
      }
      answer.AppSKey = keyEnvelopeJson(keys?.appSKey);
      if (keys && keys.sessionKeyId.length > 0) answer.SessionKeyID = toHex(keys.sessionKeyId);
      return answer;
    },

    async AppSKeyReq(message, context): Promise<AnswerBodies["AppSKeyReq"]> {
      const request = create(SessionKeyRequestSchema, {
        sessionKeyId: message.SessionKeyID,
        devEui: message.DevEUI,
        joinEui: message.ReceiverID,
      });
      let appSKey: KeyEnvelopeJson | undefined;
      try {
        const response = await handler.getAppSKey(request, {
          kind: "interop",
          asId: context.senderId,
        });
        appSKey = keyEnvelopeJson(response.appSKey);
      } catch (error) {
        throw interopErrorOf(error);
      }
      if (!appSKey) throw errOther.create({ description: "the session has no AppSKey" });
      return {
        DevEUI: toHex(message.DevEUI),
        AppSKey: appSKey,
        SessionKeyID: toHex(message.SessionKeyID),
      };
    },

    async HomeNSReq(message, context): Promise<AnswerBodies["HomeNSReq"]> {
      let netId: Uint8Array;
      try {
        ({ netId } = await handler.homeNetwork(message.ReceiverID, message.DevEUI));
      } catch (error) {
        throw interopErrorOf(error);
      }
      if (netId.length !== 3) {
        throw errActivationDisallowed.create({ description: "the device has no home NetID" });
      }
      const home = toHex(netId);
      // Backend Interfaces 1.1 adds HNSID; as The Things Stack, the NetID stands for it.
      return context.protocolVersion === "1.1" ? { HNetID: home, HNSID: home } : { HNetID: home };
    },
  };
}

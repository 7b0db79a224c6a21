/**
 * What a join leaves on the device until its first uplink in the new session: the pending
 * session (new DevAddr, the network session keys) and the pending MAC state, whose current
 * parameters are what the device uses once it took the join-accept (its RX1 delay, RX1 DR
 * offset, RX2 data rate and CFList channels), holding the join-accept queued for the downlink.
 */
import { clone, create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  type MACState,
  MACState_JoinAcceptSchema,
  MACState_JoinRequestSchema,
  MACState_UplinkMessageSchema,
  MACStateSchema,
  type Session,
  SessionSchema,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { JoinRequest, JoinResponse } from "../../gen/ttn/lorawan/v3/join_pb.js";
import { type SessionKeys, SessionKeysSchema } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import { MessageSchema, MHDRSchema, MType } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { type UplinkMessage, UplinkMessageSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { KeyVault } from "../../key-vault/index.ts";
import { openKey } from "../../key-vault/key-envelopes.ts";
import { applyCfList } from "./cf-list.ts";
import { errMissingSessionKeys } from "./errors.ts";

/**
 * The network session keys of the answer in plain (unwrapped when the Join Server wrapped them
 * for us). LoRaWAN 1.0.x has one NwkSKey, answered as FNwkSIntKey: it stands for all three, as
 * in The Things Stack. Throws `missing_session_keys` when a key the version needs is absent.
 */
export async function networkSessionKeys(
  vault: KeyVault,
  response: JoinResponse,
  lorawan11: boolean,
): Promise<SessionKeys> {
  const keys = response.sessionKeys;
  const open = async (name: string, envelope: Parameters<typeof openKey>[1]) => {
    const key = await openKey(vault, envelope);
    if (!key) throw errMissingSessionKeys.create({ key: name });
    return { key };
  };
  const fNwkSIntKey = await open("f_nwk_s_int_key", keys?.fNwkSIntKey);
  return create(SessionKeysSchema, {
    sessionKeyId: keys?.sessionKeyId ?? new Uint8Array(),
    fNwkSIntKey,
    sNwkSIntKey: lorawan11 ? await open("s_nwk_s_int_key", keys?.sNwkSIntKey) : fNwkSIntKey,
    nwkSEncKey: lorawan11 ? await open("nwk_s_enc_key", keys?.nwkSEncKey) : fNwkSIntKey,
  });
}

/**
 * The join-request (or rejoin-request) as the one recent uplink of the new MAC state (what the
 * downlink answers).
 */
export function recentJoinRequest(
  uplink: UplinkMessage,
  deviceChannelIndex: number,
  mType: MType = MType.JOIN_REQUEST,
) {
  // The kept message has the whole uplink's field numbers: the bytes read as one another.
  const recent = fromBinary(MACState_UplinkMessageSchema, toBinary(UplinkMessageSchema, uplink), {
    readUnknownFields: false,
  });
  recent.payload ??= create(MessageSchema, {});
  recent.payload.mHdr = create(MHDRSchema, { mType });
  recent.deviceChannelIndex = deviceChannelIndex;
  return recent;
}

export interface PendingInput {
  macState: MACState;
  request: JoinRequest;
  response: JoinResponse;
  keys: SessionKeys;
  uplink: UplinkMessage;
  deviceChannelIndex: number;
  receivedAtMs: number;
  /** `REJOIN_REQUEST` for a rejoin; the recent uplink's message type. */
  mType?: MType;
}

/** The pending session and MAC state of a join the Join Server accepted. */
export function pendingState(input: PendingInput): { session: Session; macState: MACState } {
  const { request, response, keys } = input;
  const macState = clone(MACStateSchema, input.macState);
  const current = macState.currentParameters;
  const desired = macState.desiredParameters;
  const joinRequest = create(MACState_JoinRequestSchema, {
    downlinkSettings: request.downlinkSettings,
    rxDelay: request.rxDelay,
    cfList: request.cfList,
  });
  if (current) {
    current.rx1Delay = request.rxDelay;
    current.rx1DataRateOffset = request.downlinkSettings?.rx1DrOffset ?? current.rx1DataRateOffset;
    current.rx2DataRateIndex = request.downlinkSettings?.rx2Dr ?? current.rx2DataRateIndex;
    if (request.cfList) applyCfList(current, request.cfList, desired?.channels ?? []);
  }
  macState.queuedJoinAccept = create(MACState_JoinAcceptSchema, {
    payload: response.rawPayload,
    request: joinRequest,
    keys: clone(SessionKeysSchema, keys),
    correlationIds: [...new Set([...request.correlationIds, ...response.correlationIds])],
    devAddr: request.devAddr,
    netId: request.netId,
  });
  macState.rxWindowsAvailable = true;
  macState.recentUplinks = [recentJoinRequest(input.uplink, input.deviceChannelIndex, input.mType)];
  const session = create(SessionSchema, {
    devAddr: request.devAddr,
    keys: clone(SessionKeysSchema, keys),
    startedAt: timestampFromMs(input.receivedAtMs),
  });
  return { session, macState };
}

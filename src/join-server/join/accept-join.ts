/**
 * The pure heart of a join: from the Join Server's part of the device (root keys in plain)
 * and a forwarded join- or rejoin-request, the device to store (nonces advanced), the
 * encrypted join-accept and the session keys. No I/O: the handler runs it inside the
 * registry's atomic update, so that a refusal stores nothing and the JoinNonce is stored
 * before the answer leaves.
 */
import { clone } from "@bufbuild/protobuf";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { JoinRequest } from "../../gen/ttn/lorawan/v3/join_pb.js";
import type { KeyEnvelope } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import {
  deriveJsEncKey,
  deriveJsIntKey,
  deriveSessionKeys10,
  deriveSessionKeys11,
  JOIN_REQ_TYPE_JOIN,
  verifyJoinRequestMic,
  verifyRejoinRequestMic,
} from "../../lorawan/crypto/index.ts";
import {
  errMicMismatch,
  errNetIdMismatch,
  errNoAppKey,
  errNoNwkKey,
  errUnsupportedJoinRequest,
} from "../errors.ts";
import type { JoinOrigin } from "../join-handler.ts";
import { acceptPayloadOf } from "./accept-payload.ts";
import { errApplicationServerMismatch } from "./errors.ts";
import { buildJoinAccept, type JoinAcceptSecurity } from "./join-accept.ts";
import type { JoinRequestMessage } from "./join-message.ts";
import { acceptDevNonce, acceptRejoinCount, nextJoinNonce } from "./nonces.ts";
import type { VersionRules } from "./versions.ts";

/**
 * Session keys in plain. A LoRaWAN 1.0.x session has one network key, the NwkSKey, given as
 * `fNwkSIntKey` alone (as The Things Stack hands it out).
 */
export interface DerivedKeys {
  fNwkSIntKey: Uint8Array;
  sNwkSIntKey?: Uint8Array;
  nwkSEncKey?: Uint8Array;
  appSKey: Uint8Array;
}

export interface JoinOutcome {
  /** The device to store: DevNonce (or RJcount) and JoinNonce advanced. */
  device: EndDevice;
  joinNonce: number;
  /** The encrypted join-accept PHYPayload. */
  joinAccept: Uint8Array;
  keys: DerivedKeys;
}

export interface JoinInput {
  request: JoinRequest;
  message: JoinRequestMessage;
  rules: VersionRules;
  origin: JoinOrigin;
}

const ROOT_KEY_LENGTH = 16;

function plainKey(envelope: KeyEnvelope | undefined): Uint8Array | undefined {
  return envelope?.key.length === ROOT_KEY_LENGTH ? envelope.key : undefined;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * A Backend Interfaces sender is served only for its own devices: a Network Server for devices
 * whose home NetID it is, an Application Server for devices whose `application_server_id` it is.
 */
export function checkOrigin(device: EndDevice, origin: JoinOrigin): void {
  if (origin.kind !== "interop") return;
  if (origin.asId !== undefined && origin.netId === undefined) {
    if (origin.asId === "" || device.applicationServerId !== origin.asId) {
      throw errApplicationServerMismatch.create({ as_id: origin.asId });
    }
    return;
  }
  const netId = origin.netId ?? new Uint8Array();
  if (netId.length === 0 || !equalBytes(device.netId, netId)) {
    throw errNetIdMismatch.create({ net_id: netId });
  }
}

interface RootKeys {
  appKey: Uint8Array;
  /** LoRaWAN 1.1 only. */
  nwkKey?: Uint8Array;
}

function rootKeysOf(device: EndDevice, rules: VersionRules): RootKeys {
  const appKey = plainKey(device.rootKeys?.appKey);
  if (!appKey) throw errNoAppKey.create();
  if (!rules.lorawan11) return { appKey };
  const nwkKey = plainKey(device.rootKeys?.nwkKey);
  if (!nwkKey) throw errNoNwkKey.create();
  return { appKey, nwkKey };
}

/** Accepts a join or rejoin: checks, advances the nonces, builds the accept, derives keys. */
export function acceptJoin(current: EndDevice, input: JoinInput): JoinOutcome {
  const { request, message, rules, origin } = input;
  checkOrigin(current, origin);
  if (message.kind === "rejoin" && !rules.lorawan11) {
    throw errUnsupportedJoinRequest.create({ message_type: "rejoinRequest" });
  }
  const keys = rootKeysOf(current, rules);
  const devEui = message.devEui;
  const joinEui = message.joinEui ?? current.ids?.joinEui ?? new Uint8Array(8);
  const nwkKey = keys.nwkKey;
  const jsIntKey = nwkKey ? deriveJsIntKey(nwkKey, devEui) : undefined;

  // The MIC first: a forged request must not move any nonce.
  if (message.kind === "join") {
    if (!verifyJoinRequestMic(nwkKey ?? keys.appKey, message.signed, message.mic)) {
      throw errMicMismatch.create();
    }
  } else if (message.rejoinType === 1) {
    if (!verifyRejoinRequestMic(jsIntKey as Uint8Array, message.signed, message.mic)) {
      throw errMicMismatch.create();
    }
  }

  const device = clone(EndDeviceSchema, current);
  const devNonce = message.kind === "join" ? message.devNonce : message.rejoinCount;
  if (message.kind === "join") acceptDevNonce(device, rules.devNonceRule, devNonce);
  else acceptRejoinCount(device, message.rejoinType, devNonce);
  const joinNonce = nextJoinNonce(device);

  const payload = acceptPayloadOf(request, joinNonce, rules.lorawan11);
  let security: JoinAcceptSecurity;
  let derived: DerivedKeys;
  if (nwkKey && jsIntKey) {
    security = {
      lorawan11: true,
      jsIntKey,
      encryptionKey: message.kind === "join" ? nwkKey : deriveJsEncKey(nwkKey, devEui),
      joinReqType: message.kind === "join" ? JOIN_REQ_TYPE_JOIN : message.rejoinType,
      joinEui,
      devNonce,
    };
    derived = deriveSessionKeys11(nwkKey, keys.appKey, { joinNonce, joinEui, devNonce });
  } else {
    security = { lorawan11: false, appKey: keys.appKey };
    const { nwkSKey, appSKey } = deriveSessionKeys10(keys.appKey, {
      joinNonce,
      netId: request.netId,
      devNonce,
    });
    derived = { fNwkSIntKey: nwkSKey, appSKey };
  }
  const joinAccept = buildJoinAccept(payload, security);
  return { device, joinNonce, joinAccept, keys: derived };
}

/**
 * Builds the encrypted join-accept PHYPayload: MHDR | encrypt(JoinNonce | NetID | DevAddr |
 * DLSettings | RxDelay | CFList | MIC). LoRaWAN 1.0.x signs and encrypts with the AppKey; 1.1
 * (OptNeg) signs with the JSIntKey over JoinReqType | JoinEUI | DevNonce | MHDR | ... and
 * encrypts with the NwkKey (answer to a join-request) or the JSEncKey (to a rejoin-request).
 */
import {
  encodeJoinAcceptPayload,
  type JoinAcceptPayload,
  mhdrByte,
} from "../../lorawan/codec/index.ts";
import {
  computeJoinAcceptMic10,
  computeJoinAcceptMic11,
  encryptJoinAccept,
  type JoinReqType,
} from "../../lorawan/crypto/index.ts";

/** How a join-accept is signed and encrypted. */
export type JoinAcceptSecurity =
  | { lorawan11: false; appKey: Uint8Array }
  | {
      lorawan11: true;
      jsIntKey: Uint8Array;
      /** NwkKey for a join-request, JSEncKey for a rejoin-request. */
      encryptionKey: Uint8Array;
      joinReqType: JoinReqType;
      joinEui: Uint8Array;
      /** DevNonce, or RJcount0/RJcount1 of a rejoin-request. */
      devNonce: number;
    };

/** The join-accept as it goes on the air (17 bytes, or 33 with a CFList). */
export function buildJoinAccept(
  payload: JoinAcceptPayload,
  security: JoinAcceptSecurity,
): Uint8Array {
  const macPayload = encodeJoinAcceptPayload(payload);
  const plain = new Uint8Array(1 + macPayload.length);
  plain[0] = mhdrByte("joinAccept");
  plain.set(macPayload, 1);
  const mic = security.lorawan11
    ? computeJoinAcceptMic11(security.jsIntKey, security, plain)
    : computeJoinAcceptMic10(security.appKey, plain);
  const signed = new Uint8Array(macPayload.length + 4);
  signed.set(macPayload, 0);
  signed.set(mic, macPayload.length);
  const encrypted = encryptJoinAccept(
    security.lorawan11 ? security.encryptionKey : security.appKey,
    signed,
  );
  const phy = new Uint8Array(1 + encrypted.length);
  phy[0] = plain[0] as number;
  phy.set(encrypted, 1);
  return phy;
}

/**
 * Test helper: a device's side of a join-accept, with lora-packet (an independent device-side
 * LoRaWAN implementation): decrypt, verify the MIC, read the fields.
 */
import loraPacketModule from "lora-packet";
import { toHex } from "./test-device.ts";

// The package's types describe an ES module with a default export; at run time the default
// import is its CommonJS `module.exports`, which is that default's value.
type LoraPacket = (typeof loraPacketModule)["default"];
export const loraPacket = loraPacketModule as unknown as LoraPacket;

export type DeviceKeys =
  | { lorawan11: false; appKey: Uint8Array }
  | {
      lorawan11: true;
      decryptionKey: Uint8Array;
      jsIntKey: Uint8Array;
      joinReqType: number;
      joinEui: Uint8Array;
      devNonce: number;
    };

/** Decrypts and checks a join-accept as a device does, with lora-packet; returns its fields. */
export function deviceReads(phy: Uint8Array, keys: DeviceKeys) {
  const packet = loraPacket.fromWire(Buffer.from(phy));
  const key = Buffer.from(keys.lorawan11 ? keys.decryptionKey : keys.appKey);
  const decrypted = loraPacket.fromWire(loraPacket.decryptJoinAccept(packet, key));
  let micOk: boolean;
  if (keys.lorawan11) {
    decrypted.JoinReqType = Buffer.from([keys.joinReqType]);
    decrypted.JoinEUI = Buffer.from(keys.joinEui);
    decrypted.DevNonce = Buffer.from([keys.devNonce >> 8, keys.devNonce & 0xff]);
    micOk = loraPacket.verifyMIC(decrypted, Buffer.from(keys.jsIntKey));
  } else {
    micOk = loraPacket.verifyMIC(decrypted, undefined, key);
  }
  return {
    micOk,
    optNeg: decrypted.getDLSettingsOptNeg(),
    joinNonce: toHex(decrypted.AppNonce),
    netId: toHex(decrypted.NetID),
    devAddr: toHex(decrypted.DevAddr),
    dlSettings: toHex(decrypted.DLSettings),
    rxDelay: toHex(decrypted.RxDelay),
    cfList: toHex(decrypted.CFList),
    mic: toHex(decrypted.MIC),
  };
}

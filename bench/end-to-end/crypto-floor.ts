/**
 * The LoRaWAN crypto floor: what one core does per second of the work every data uplink needs
 * at the least, a 1.0 MIC verification with the network session key and the FRMPayload
 * decryption with the application session key (cached key contexts, as the stack keeps them),
 * on a 10-byte payload like the generator's.
 */
import {
  computeDataUplinkMic10,
  decryptFrmPayload,
  encryptFrmPayload,
  verifyDataUplinkMic10,
} from "../../src/lorawan/crypto/index.ts";
import { measureRound } from "../measure.ts";

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "hex"));

/** MIC + decrypt per second on this thread, best of `rounds` rounds of `roundMs`. */
export function cryptoFloor(rounds = 3, roundMs = 300): number {
  const nwkSKey = hex("44024241ed4ce9a68c6a8bc055233fd3");
  const appSKey = hex("ec925802ae430ca77fd3dd73cb2cc588");
  const devAddr = hex("26011bda");
  const fCnt = 0x2345;
  const payload = encryptFrmPayload(appSKey, "uplink", devAddr, fCnt, new Uint8Array(10).fill(7));
  // MHDR | DevAddr | FCtrl | FCnt | FPort | FRMPayload
  const msg = new Uint8Array([0x40, 0xda, 0x1b, 0x01, 0x26, 0x00, 0x45, 0x23, 0x01, ...payload]);
  const mic = computeDataUplinkMic10(nwkSKey, devAddr, fCnt, msg);
  const op = () =>
    verifyDataUplinkMic10(nwkSKey, devAddr, fCnt, msg, mic)
      ? decryptFrmPayload(appSKey, "uplink", devAddr, fCnt, payload).length
      : 0;
  if (op() !== 10) throw new Error("crypto floor self-check failed");
  for (let i = 0; i < 20_000; i++) op();
  let best = 0;
  for (let round = 0; round < rounds; round++) best = Math.max(best, measureRound(op, roundMs));
  return best;
}

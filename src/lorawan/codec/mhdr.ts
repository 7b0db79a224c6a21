import { errMajor, errMType } from "./errors.ts";
import type { MType } from "./frame.ts";

/** Message types by their 3-bit MType code. */
export const mTypesByCode: readonly MType[] = [
  "joinRequest",
  "joinAccept",
  "unconfirmedDataUp",
  "unconfirmedDataDown",
  "confirmedDataUp",
  "confirmedDataDown",
  "rejoinRequest",
  "proprietary",
];

const codes = new Map<unknown, number>(mTypesByCode.map((mType, code) => [mType, code]));

/** The MHDR byte of a message type: MType in bits 7–5, RFU 0, Major 0 (LoRaWAN R1). */
export function mhdrByte(mType: MType): number {
  const code = codes.get(mType);
  if (code === undefined) throw errMType.create({ m_type: String(mType) });
  return code << 5;
}

/**
 * The message type of an MHDR byte. Major must be 0 (LoRaWAN R1); the three RFU bits are
 * ignored, as a receiver must.
 */
export function mTypeOfMhdr(mhdr: number): MType {
  const major = mhdr & 0x03;
  if (major !== 0) throw errMajor.create({ major });
  return mTypesByCode[(mhdr >>> 5) & 0x07] ?? "proprietary";
}

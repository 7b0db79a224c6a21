/**
 * The LoRaWAN frame fields station sends instead of the PHYPayload (`s2e_parse_lora_frame`
 * in src/lora.c), and the way back to the exact bytes. Integers are read little-endian from
 * the frame; MIC and DevAddr as signed 32-bit numbers; EUIs MSB first.
 */
import { formatUpperHex } from "./fields.ts";
import { formatDashedEui } from "./station-id.ts";

const MTYPE_JOIN_REQUEST = 0;
const MTYPE_UNCONFIRMED_UP = 2;
const MTYPE_UNCONFIRMED_DOWN = 3;
const MTYPE_CONFIRMED_UP = 4;
const MTYPE_CONFIRMED_DOWN = 5;
const MTYPE_REJOIN = 6;
const MTYPE_PROPRIETARY = 7;

/** A join-request is 23 bytes; station sends nothing else as `jreq`/`rejoin`. */
export const JOIN_REQUEST_LENGTH = 23;
/** MHDR, FHDR (7 bytes) and MIC: the shortest data frame. */
export const DATA_FRAME_MIN_LENGTH = 12;
/** The longest PHYPayload the radio carries. */
export const MAX_PHY_PAYLOAD = 255;

export function mTypeOf(mhdr: number): number {
  return mhdr >> 5;
}

/** MHDR with Major LoRaWAN R1 (0) and the RFU bits clear, as station requires. */
export function isMajorR1(mhdr: number): boolean {
  return (mhdr & 0x1f) === 0;
}

export function isUplinkDataMType(mType: number): boolean {
  return mType === MTYPE_UNCONFIRMED_UP || mType === MTYPE_CONFIRMED_UP;
}

export function isJoinMType(mType: number, msgtype: "jreq" | "rejoin"): boolean {
  return mType === (msgtype === "jreq" ? MTYPE_JOIN_REQUEST : MTYPE_REJOIN);
}

export function isProprietaryMType(mType: number): boolean {
  return mType === MTYPE_PROPRIETARY;
}

/** The fields of a join- or rejoin-request as station splits them. */
export interface JoinFields {
  readonly mhdr: number;
  /** MSB first (display order). */
  readonly joinEui: Uint8Array;
  readonly devEui: Uint8Array;
  readonly devNonce: number;
  /** Signed 32-bit integer of the 4 MIC bytes read little-endian. */
  readonly mic: number;
}

/** The fields of a data frame as station splits them. */
export interface DataFields {
  readonly mhdr: number;
  /** Unsigned 32-bit DevAddr (station writes it signed). */
  readonly devAddr: number;
  readonly fCtrl: number;
  readonly fCnt: number;
  readonly fOpts: Uint8Array;
  /** -1 when the frame has no FPort. */
  readonly fPort: number;
  readonly frmPayload: Uint8Array;
  readonly mic: number;
}

function writeReversed(target: Uint8Array, offset: number, displayOrder: Uint8Array): void {
  target.set(displayOrder.toReversed(), offset);
}

function readReversed(source: Uint8Array, offset: number, length: number): Uint8Array {
  return source.slice(offset, offset + length).reverse();
}

/** The PHYPayload of a join- or rejoin-request (23 bytes). */
export function joinPhyPayload(fields: JoinFields): Uint8Array {
  const frame = new Uint8Array(JOIN_REQUEST_LENGTH);
  const view = new DataView(frame.buffer);
  frame[0] = fields.mhdr;
  writeReversed(frame, 1, fields.joinEui);
  writeReversed(frame, 9, fields.devEui);
  view.setUint16(17, fields.devNonce, true);
  view.setInt32(19, fields.mic, true);
  return frame;
}

/** The PHYPayload of a data frame; `fOpts` must be FCtrl's FOptsLen bytes. */
export function dataPhyPayload(fields: DataFields): Uint8Array {
  const port = fields.fPort < 0 ? 0 : 1 + fields.frmPayload.length;
  const frame = new Uint8Array(8 + fields.fOpts.length + port + 4);
  const view = new DataView(frame.buffer);
  frame[0] = fields.mhdr;
  view.setUint32(1, fields.devAddr >>> 0, true);
  frame[5] = fields.fCtrl;
  view.setUint16(6, fields.fCnt, true);
  frame.set(fields.fOpts, 8);
  let offset = 8 + fields.fOpts.length;
  if (fields.fPort >= 0) {
    frame[offset] = fields.fPort;
    frame.set(fields.frmPayload, offset + 1);
    offset += port;
  }
  view.setInt32(offset, fields.mic, true);
  return frame;
}

/**
 * What station sends for a received PHYPayload: the message fields (without radio
 * metadata), or undefined where station drops the frame as "not a LoRaWAN frame". Used to
 * simulate a station and to check the reassembly; device-mode frames (`jacc`, `dndf`) too.
 */
export function splitPhyPayload(frame: Uint8Array): Record<string, unknown> | undefined {
  const mhdr = frame[0];
  if (mhdr === undefined) return undefined;
  const mType = mTypeOf(mhdr);
  if ((frame.length < DATA_FRAME_MIN_LENGTH && mType !== MTYPE_PROPRIETARY) || !isMajorR1(mhdr))
    return undefined;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (mType === MTYPE_PROPRIETARY || mType === 1)
    return {
      msgtype: mType === MTYPE_PROPRIETARY ? "propdf" : "jacc",
      FRMPayload: formatUpperHex(frame),
    };
  const mic = view.getInt32(frame.length - 4, true);
  if (mType === MTYPE_JOIN_REQUEST || mType === MTYPE_REJOIN) {
    if (frame.length !== JOIN_REQUEST_LENGTH) return undefined;
    return {
      msgtype: mType === MTYPE_JOIN_REQUEST ? "jreq" : "rejoin",
      MHdr: mhdr,
      JoinEui: formatDashedEui(readReversed(frame, 1, 8)),
      DevEui: formatDashedEui(readReversed(frame, 9, 8)),
      DevNonce: view.getUint16(17, true),
      MIC: mic,
    };
  }
  const fCtrl = frame[5] ?? 0;
  const fOptsLength = fCtrl & 0x0f;
  const portOffset = 8 + fOptsLength;
  if (portOffset > frame.length - 4) return undefined;
  const down = mType === MTYPE_UNCONFIRMED_DOWN || mType === MTYPE_CONFIRMED_DOWN;
  return {
    msgtype: down ? "dndf" : "updf",
    MHdr: mhdr,
    DevAddr: view.getInt32(1, true),
    FCtrl: fCtrl,
    FCnt: view.getUint16(6, true),
    FOpts: formatUpperHex(frame.subarray(8, portOffset)),
    FPort: portOffset === frame.length - 4 ? -1 : frame[portOffset],
    FRMPayload: formatUpperHex(
      frame.subarray(portOffset + 1, Math.max(portOffset + 1, frame.length - 4)),
    ),
    MIC: mic,
  };
}

import { readWireOrder, writeWireOrder } from "../types/index.ts";
import { errField, errRejoinType, errWrongLength } from "./errors.ts";
import type { RejoinRequestFrame } from "./frame.ts";
import { readUint16, writeUint16 } from "./little-endian.ts";
import { mhdrByte } from "./mhdr.ts";
import { checkBytes, checkUint } from "./validate.ts";

/** Types 0 and 2: MHDR(1) Type(1) NetID(3) DevEUI(8) RJcount0(2) MIC(4). */
export const REJOIN_REQUEST_02_LENGTH = 19;
/** Type 1: MHDR(1) Type(1) JoinEUI(8) DevEUI(8) RJcount1(2) MIC(4). */
export const REJOIN_REQUEST_1_LENGTH = 24;

/** Decodes a rejoin-request PHYPayload (LoRaWAN 1.1) whose MHDR has been checked. */
export function decodeRejoinRequest(phy: Uint8Array): RejoinRequestFrame {
  const rejoinType = phy[1];
  if (rejoinType === undefined) {
    throw errWrongLength.create({
      message_type: "rejoin-request",
      length: phy.length,
      expected: `${REJOIN_REQUEST_02_LENGTH} or ${REJOIN_REQUEST_1_LENGTH}`,
    });
  }
  if (rejoinType === 0 || rejoinType === 2) {
    checkLength(phy, rejoinType, REJOIN_REQUEST_02_LENGTH);
    return {
      mType: "rejoinRequest",
      rejoinType,
      netId: readWireOrder(phy, 2, 3),
      devEui: readWireOrder(phy, 5, 8),
      rjCount0: readUint16(phy, 13),
      mic: phy.subarray(15, 19),
    };
  }
  if (rejoinType === 1) {
    checkLength(phy, rejoinType, REJOIN_REQUEST_1_LENGTH);
    return {
      mType: "rejoinRequest",
      rejoinType,
      joinEui: readWireOrder(phy, 2, 8),
      devEui: readWireOrder(phy, 10, 8),
      rjCount1: readUint16(phy, 18),
      mic: phy.subarray(20, 24),
    };
  }
  throw errRejoinType.create({ rejoin_type: rejoinType });
}

function checkLength(phy: Uint8Array, rejoinType: number, expected: number): void {
  if (phy.length !== expected) {
    throw errWrongLength.create({
      message_type: `rejoin-request type ${rejoinType}`,
      length: phy.length,
      expected,
    });
  }
}

export function encodeRejoinRequest(frame: RejoinRequestFrame): Uint8Array {
  const devEui = checkBytes("DevEUI", frame.devEui, 8);
  const mic = checkBytes("MIC", frame.mic, 4);
  if (frame.rejoinType === 0 || frame.rejoinType === 2) {
    const netId = checkBytes("NetID", frame.netId, 3);
    const rjCount0 = checkUint("RJcount0", frame.rjCount0, 0xffff);
    const phy = new Uint8Array(REJOIN_REQUEST_02_LENGTH);
    phy[0] = mhdrByte("rejoinRequest");
    phy[1] = frame.rejoinType;
    writeWireOrder(phy, 2, netId);
    writeWireOrder(phy, 5, devEui);
    writeUint16(phy, 13, rjCount0);
    phy.set(mic, 15);
    return phy;
  }
  if (frame.rejoinType === 1) {
    const joinEui = checkBytes("JoinEUI", frame.joinEui, 8);
    const rjCount1 = checkUint("RJcount1", frame.rjCount1, 0xffff);
    const phy = new Uint8Array(REJOIN_REQUEST_1_LENGTH);
    phy[0] = mhdrByte("rejoinRequest");
    phy[1] = 1;
    writeWireOrder(phy, 2, joinEui);
    writeWireOrder(phy, 10, devEui);
    writeUint16(phy, 18, rjCount1);
    phy.set(mic, 20);
    return phy;
  }
  throw errField.create({
    field: "rejoin type",
    expected: "0, 1 or 2",
    value: String((frame as { rejoinType: unknown }).rejoinType),
  });
}

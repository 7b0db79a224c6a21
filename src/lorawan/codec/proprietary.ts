import type { ProprietaryFrame } from "./frame.ts";
import { mhdrByte } from "./mhdr.ts";
import { checkBytes } from "./validate.ts";

/** Decodes a proprietary PHYPayload: everything after the MHDR is the vendor's. */
export function decodeProprietary(phy: Uint8Array): ProprietaryFrame {
  return { mType: "proprietary", payload: phy.subarray(1) };
}

export function encodeProprietary(frame: ProprietaryFrame): Uint8Array {
  const payload = checkBytes("proprietary payload", frame.payload, 0, Number.MAX_SAFE_INTEGER);
  const phy = new Uint8Array(1 + payload.length);
  phy[0] = mhdrByte("proprietary");
  phy.set(payload, 1);
  return phy;
}

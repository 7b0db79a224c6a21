import type { DownlinkFCtrl, UplinkFCtrl } from "./frame.ts";
import { checkBoolean, checkObject } from "./validate.ts";

// FCtrl bits 7..4; bits 3..0 are FOptsLen, handled with FOpts.

export function decodeUplinkFCtrl(fCtrl: number): UplinkFCtrl {
  return {
    adr: (fCtrl & 0x80) !== 0,
    adrAckReq: (fCtrl & 0x40) !== 0,
    ack: (fCtrl & 0x20) !== 0,
    classB: (fCtrl & 0x10) !== 0,
  };
}

/** Downlink FCtrl; bit 6 is RFU and ignored. */
export function decodeDownlinkFCtrl(fCtrl: number): DownlinkFCtrl {
  return {
    adr: (fCtrl & 0x80) !== 0,
    ack: (fCtrl & 0x20) !== 0,
    fPending: (fCtrl & 0x10) !== 0,
  };
}

export function encodeUplinkFCtrl(value: UplinkFCtrl): number {
  const fCtrl = checkObject("FCtrl", value);
  return (
    (checkBoolean("FCtrl ADR", fCtrl.adr) ? 0x80 : 0) |
    (checkBoolean("FCtrl ADRACKReq", fCtrl.adrAckReq) ? 0x40 : 0) |
    (checkBoolean("FCtrl ACK", fCtrl.ack) ? 0x20 : 0) |
    (checkBoolean("FCtrl ClassB", fCtrl.classB) ? 0x10 : 0)
  );
}

export function encodeDownlinkFCtrl(value: DownlinkFCtrl): number {
  const fCtrl = checkObject("FCtrl", value);
  return (
    (checkBoolean("FCtrl ADR", fCtrl.adr) ? 0x80 : 0) |
    (checkBoolean("FCtrl ACK", fCtrl.ack) ? 0x20 : 0) |
    (checkBoolean("FCtrl FPending", fCtrl.fPending) ? 0x10 : 0)
  );
}

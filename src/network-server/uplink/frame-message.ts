/**
 * A data uplink as The Things Stack's `Message` (the `payload` of UplinkMessage and of the MAC
 * state's recent uplinks), with the full frame counter the Network Server reconstructed.
 */
import { create } from "@bufbuild/protobuf";
import { type Message, MessageSchema, MType } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { UplinkDataFrame } from "../../lorawan/codec/index.ts";

export function dataUplinkMessage(frame: UplinkDataFrame, fullFCnt: number): Message {
  return create(MessageSchema, {
    mHdr: {
      mType: frame.mType === "confirmedDataUp" ? MType.CONFIRMED_UP : MType.UNCONFIRMED_UP,
    },
    mic: frame.mic,
    payload: {
      case: "macPayload",
      value: {
        fHdr: {
          devAddr: frame.devAddr,
          fCtrl: { ...frame.fCtrl },
          fCnt: frame.fCnt,
          fOpts: frame.fOpts,
        },
        fPort: frame.fPort ?? 0,
        frmPayload: frame.frmPayload,
        fullFCnt,
      },
    },
  });
}

/**
 * TxParamSetupReq (1.0.2+, only in bands with dwell-time limits such as AS923 and AU915): sets
 * the maximum EIRP and the uplink and downlink dwell times (sticky answer). The EIRP sent is the
 * largest of the command's table that does not exceed the desired one.
 */
import { create } from "@bufbuild/protobuf";
import { BoolValueSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { MAX_EIRP_TABLE } from "../../lorawan/mac/index.ts";
import { versionAtLeast } from "./commands.ts";
import { evtEnqueueTxParamSetupRequest, evtReceiveTxParamSetupAnswer } from "./events.ts";
import { currentParameters, peekParameters } from "./parameters.ts";
import type { MacHandler } from "./types.ts";
import { emit } from "./work.ts";

/** The index of the largest table EIRP at most `eirp` (0 when even the smallest is larger). */
export function maxEirpIndex(eirp: number): number {
  let index = 0;
  MAX_EIRP_TABLE.forEach((value, i) => {
    if (value <= eirp) index = i;
  });
  return index;
}

export const txParamSetupHandler: MacHandler = {
  cid: 0x09,
  name: "tx_param_setup",
  sticky: true,
  requestEvent: evtEnqueueTxParamSetupRequest,
  needs: (state, context) => {
    if (!context.band.txParamSetupReqSupport || !versionAtLeast(state, MACVersion.MAC_V1_0_2)) {
      return [];
    }
    const { current, desired } = peekParameters(state);
    const index = maxEirpIndex(desired.maxEirp);
    const uplinkDwellTime = desired.uplinkDwellTime?.value ?? current.uplinkDwellTime?.value;
    const downlinkDwellTime = desired.downlinkDwellTime?.value ?? current.downlinkDwellTime?.value;
    if (
      MAX_EIRP_TABLE[index] === current.maxEirp &&
      uplinkDwellTime === current.uplinkDwellTime?.value &&
      downlinkDwellTime === current.downlinkDwellTime?.value
    ) {
      return [];
    }
    return [
      {
        cid: 0x09,
        name: "TxParamSetupReq",
        maxEirpIndex: index,
        uplinkDwellTime: uplinkDwellTime ?? false,
        downlinkDwellTime: downlinkDwellTime ?? false,
      },
    ];
  },
  onAnswer: (work, answer, request) => {
    if (request.name !== "TxParamSetupReq") return;
    const current = currentParameters(work.state);
    current.maxEirp = MAX_EIRP_TABLE[request.maxEirpIndex] ?? current.maxEirp;
    current.uplinkDwellTime = create(BoolValueSchema, { value: request.uplinkDwellTime });
    current.downlinkDwellTime = create(BoolValueSchema, { value: request.downlinkDwellTime });
    emit(work, evtReceiveTxParamSetupAnswer, answer);
  },
};

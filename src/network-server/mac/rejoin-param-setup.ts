/**
 * RejoinParamSetupReq (1.1): how often the device sends rejoin-requests of type 0. The count
 * periodicity always applies; the time periodicity only when the device acknowledges it.
 */
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { versionAtLeast } from "./commands.ts";
import { evtEnqueueRejoinParamSetupRequest, evtReceiveRejoinParamSetupAnswer } from "./events.ts";
import { currentParameters, peekParameters } from "./parameters.ts";
import type { MacHandler } from "./types.ts";
import { emit } from "./work.ts";

export const rejoinParamSetupHandler: MacHandler = {
  cid: 0x0f,
  name: "rejoin_param_setup",
  requestEvent: evtEnqueueRejoinParamSetupRequest,
  needs: (state) => {
    if (!versionAtLeast(state, MACVersion.MAC_V1_1)) return [];
    const { current, desired } = peekParameters(state);
    if (
      desired.rejoinTimePeriodicity === current.rejoinTimePeriodicity &&
      desired.rejoinCountPeriodicity === current.rejoinCountPeriodicity
    ) {
      return [];
    }
    return [
      {
        cid: 0x0f,
        name: "RejoinParamSetupReq",
        maxTimeN: desired.rejoinTimePeriodicity,
        maxCountN: desired.rejoinCountPeriodicity,
      },
    ];
  },
  onAnswer: (work, answer, request) => {
    if (answer.name !== "RejoinParamSetupAns" || request.name !== "RejoinParamSetupReq") return;
    const current = currentParameters(work.state);
    current.rejoinCountPeriodicity = request.maxCountN;
    if (answer.maxTimeNAck) current.rejoinTimePeriodicity = request.maxTimeN;
    emit(work, evtReceiveRejoinParamSetupAnswer, answer);
  },
};

/** RXParamSetupReq: sets the RX1 data rate offset and the RX2 data rate and frequency (sticky). */
import {
  evtEnqueueRxParamSetupRequest,
  evtReceiveRxParamSetupAccept,
  evtReceiveRxParamSetupReject,
} from "./events.ts";
import { currentParameters, peekParameters } from "./parameters.ts";
import type { MacHandler } from "./types.ts";
import { emit } from "./work.ts";

export const rxParamSetupHandler: MacHandler = {
  cid: 0x05,
  name: "rx_param_setup",
  sticky: true,
  requestEvent: evtEnqueueRxParamSetupRequest,
  needs: (state) => {
    const { current, desired } = peekParameters(state);
    if (
      desired.rx1DataRateOffset === current.rx1DataRateOffset &&
      desired.rx2DataRateIndex === current.rx2DataRateIndex &&
      desired.rx2Frequency === current.rx2Frequency
    ) {
      return [];
    }
    return [
      {
        cid: 0x05,
        name: "RXParamSetupReq",
        rx1DataRateOffset: desired.rx1DataRateOffset,
        rx2DataRateIndex: desired.rx2DataRateIndex,
        rx2Frequency: Number(desired.rx2Frequency),
      },
    ];
  },
  onAnswer: (work, answer, request) => {
    if (answer.name !== "RXParamSetupAns" || request.name !== "RXParamSetupReq") return;
    if (!answer.rx1DataRateOffsetAck || !answer.rx2DataRateIndexAck || !answer.rx2FrequencyAck) {
      emit(work, evtReceiveRxParamSetupReject, answer);
      return;
    }
    const current = currentParameters(work.state);
    current.rx1DataRateOffset = request.rx1DataRateOffset;
    current.rx2DataRateIndex = request.rx2DataRateIndex;
    current.rx2Frequency = BigInt(request.rx2Frequency);
    emit(work, evtReceiveRxParamSetupAccept, answer);
  },
};

/** RXTimingSetupReq: sets the delay of the first receive window (sticky answer). */
import { evtEnqueueRxTimingSetupRequest, evtReceiveRxTimingSetupAnswer } from "./events.ts";
import { currentParameters, peekParameters } from "./parameters.ts";
import type { MacHandler } from "./types.ts";
import { emit } from "./work.ts";

export const rxTimingSetupHandler: MacHandler = {
  cid: 0x08,
  name: "rx_timing_setup",
  sticky: true,
  requestEvent: evtEnqueueRxTimingSetupRequest,
  needs: (state) => {
    const { current, desired } = peekParameters(state);
    if (desired.rx1Delay === current.rx1Delay) return [];
    return [{ cid: 0x08, name: "RXTimingSetupReq", delay: desired.rx1Delay }];
  },
  onAnswer: (work, answer, request) => {
    if (request.name !== "RXTimingSetupReq") return;
    currentParameters(work.state).rx1Delay = request.delay;
    emit(work, evtReceiveRxTimingSetupAnswer, answer);
  },
};

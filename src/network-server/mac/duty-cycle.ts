/** DutyCycleReq: sets the device's aggregated duty cycle to the desired one. */
import { evtEnqueueDutyCycleRequest, evtReceiveDutyCycleAnswer } from "./events.ts";
import { currentParameters, peekParameters } from "./parameters.ts";
import type { MacHandler } from "./types.ts";
import { emit } from "./work.ts";

export const dutyCycleHandler: MacHandler = {
  cid: 0x04,
  name: "duty_cycle",
  requestEvent: evtEnqueueDutyCycleRequest,
  needs: (state) => {
    const { current, desired } = peekParameters(state);
    if (desired.maxDutyCycle === current.maxDutyCycle) return [];
    return [{ cid: 0x04, name: "DutyCycleReq", maxDutyCycle: desired.maxDutyCycle }];
  },
  onAnswer: (work, answer, request) => {
    if (request.name !== "DutyCycleReq") return;
    currentParameters(work.state).maxDutyCycle = request.maxDutyCycle;
    emit(work, evtReceiveDutyCycleAnswer, answer);
  },
};

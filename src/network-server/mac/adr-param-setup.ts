/** ADRParamSetupReq (1.1): sets ADR_ACK_LIMIT and ADR_ACK_DELAY (as exponents). */
import { create } from "@bufbuild/protobuf";
import {
  ADRAckDelayExponentValueSchema,
  ADRAckLimitExponentValueSchema,
  MACVersion,
} from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { versionAtLeast } from "./commands.ts";
import { evtEnqueueADRParamSetupRequest, evtReceiveADRParamSetupAnswer } from "./events.ts";
import { currentParameters, peekParameters } from "./parameters.ts";
import type { MacHandler } from "./types.ts";
import { emit } from "./work.ts";

export const adrParamSetupHandler: MacHandler = {
  cid: 0x0c,
  name: "adr_param_setup",
  requestEvent: evtEnqueueADRParamSetupRequest,
  needs: (state) => {
    if (!versionAtLeast(state, MACVersion.MAC_V1_1)) return [];
    const { current, desired } = peekParameters(state);
    const limit = desired.adrAckLimitExponent?.value;
    const delay = desired.adrAckDelayExponent?.value;
    if (limit === undefined || delay === undefined) return [];
    if (
      limit === current.adrAckLimitExponent?.value &&
      delay === current.adrAckDelayExponent?.value
    ) {
      return [];
    }
    return [{ cid: 0x0c, name: "ADRParamSetupReq", limitExp: limit, delayExp: delay }];
  },
  onAnswer: (work, answer, request) => {
    if (request.name !== "ADRParamSetupReq") return;
    const current = currentParameters(work.state);
    current.adrAckLimitExponent = create(ADRAckLimitExponentValueSchema, {
      value: request.limitExp,
    });
    current.adrAckDelayExponent = create(ADRAckDelayExponentValueSchema, {
      value: request.delayExp,
    });
    emit(work, evtReceiveADRParamSetupAnswer, answer);
  },
};

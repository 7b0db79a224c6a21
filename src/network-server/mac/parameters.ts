/** Access to the current and desired MAC parameters, created empty when the state has none. */
import { create } from "@bufbuild/protobuf";
import {
  type MACParameters,
  MACParametersSchema,
  type MACState,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";

/** The parameters the device uses now, as the Network Server knows them. */
export function currentParameters(state: MACState): MACParameters {
  state.currentParameters ??= create(MACParametersSchema);
  return state.currentParameters;
}

/** The parameters the Network Server wants the device to use. */
export function desiredParameters(state: MACState): MACParameters {
  state.desiredParameters ??= create(MACParametersSchema);
  return state.desiredParameters;
}

/** Reads the desired parameters without creating them (needs run on a state they must not change). */
export function peekParameters(state: MACState): {
  current: MACParameters;
  desired: MACParameters;
} {
  const current = state.currentParameters ?? create(MACParametersSchema);
  return { current, desired: state.desiredParameters ?? current };
}

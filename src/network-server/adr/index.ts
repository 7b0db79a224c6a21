/** Adaptive data rate of the Network Server: pure, no I/O, no clock. */
export { adaptDataRate } from "./adapt.ts";
export { demodulationFloor } from "./demodulation-floor.ts";
export { adrInputFromMacState, adrSettingsOf } from "./device-input.ts";
export * from "./errors.ts";
export { lossRate } from "./loss-rate.ts";
export {
  adrUplinks,
  dataRateStep,
  defaultAdrMargin,
  marginAdrAlgorithm,
  maxAlgorithmNbTrans,
  optimalAdrUplinkCount,
  safetyMargin,
} from "./margin-algorithm.ts";
export type * from "./types.ts";

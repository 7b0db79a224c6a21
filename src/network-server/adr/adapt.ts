import { marginAdrAlgorithm } from "./margin-algorithm.ts";
import type { AdrAlgorithm, AdrInput, AdrParameters, AdrUplink } from "./types.ts";

/**
 * New desired ADR parameters for a device, or undefined when they stay as they are.
 * - `disabled`: nothing;
 * - `static`: the configured values;
 * - `dynamic`: `algorithm` (The Things Stack's margin algorithm by default), except while the
 *   device asks for an answer with ADRAckReq: it has heard no downlink for ADR_ACK_LIMIT uplinks
 *   and backs off on its own (full power first, then lower data rates), so the desired values
 *   follow it down instead of pushing it higher over a link that may be gone.
 */
export function adaptDataRate(
  input: AdrInput,
  algorithm: AdrAlgorithm = marginAdrAlgorithm,
): AdrParameters | undefined {
  const { settings } = input;
  let next: AdrParameters | undefined;
  switch (settings.mode) {
    case "disabled":
      return undefined;
    case "static":
      next = {
        dataRateIndex: settings.dataRateIndex,
        txPowerIndex: settings.txPowerIndex,
        nbTrans: settings.nbTrans,
      };
      break;
    case "dynamic": {
      const last = input.uplinks.at(-1);
      next = last?.adrAckReq ? backOff(input, last) : algorithm.decide(input, settings);
      break;
    }
  }
  return next === undefined || sameParameters(next, input.desired) ? undefined : next;
}

/** The desired values of a device backing off: its data rate as heard, full power. */
function backOff(input: AdrInput, last: AdrUplink): AdrParameters {
  return {
    dataRateIndex: Math.min(input.desired.dataRateIndex, last.dataRateIndex),
    txPowerIndex: 0,
    nbTrans: input.desired.nbTrans,
  };
}

function sameParameters(a: AdrParameters, b: AdrParameters): boolean {
  return (
    a.dataRateIndex === b.dataRateIndex &&
    a.txPowerIndex === b.txPowerIndex &&
    a.nbTrans === b.nbTrans
  );
}

/**
 * LinkCheckReq (device-initiated): answered with the margin of the best reception above the
 * demodulation floor of the uplink's spreading factor, and the number of gateways that heard it.
 */
import { getDataRate } from "../../lorawan/band/index.ts";
import { LORA_DEMODULATION_FLOOR_DB } from "../../lorawan/demodulation-floor.ts";
import { evtEnqueueLinkCheckAnswer, evtReceiveLinkCheckRequest } from "./events.ts";
import type { MacHandler, UplinkContext } from "./types.ts";
import { answer, emit } from "./work.ts";

/** The LinkCheckAns fields for an uplink, or undefined when no reception is known. */
export function linkCheckAnswer(
  context: UplinkContext,
): { margin: number; gatewayCount: number } | undefined {
  if (context.rxMetadata.length === 0) return undefined;
  const gateways = new Set(context.rxMetadata.map((md) => md.gatewayId));
  const best = Math.max(...context.rxMetadata.map((md) => md.snr));
  const modulation = getDataRate(context.band, context.dataRateIndex)?.modulation;
  // FSK and LR-FHSS have no SNR floor of this kind: their margin is the SNR itself.
  const floor =
    modulation?.kind === "lora" ? (LORA_DEMODULATION_FLOOR_DB[modulation.spreadingFactor] ?? 0) : 0;
  const margin = Number.isFinite(best) ? Math.round(best - floor) : 0;
  return {
    margin: Math.min(254, Math.max(0, margin)),
    gatewayCount: Math.min(255, gateways.size),
  };
}

export const linkCheckHandler: MacHandler = {
  cid: 0x02,
  name: "link_check",
  onRequest: (work, command) => {
    emit(work, evtReceiveLinkCheckRequest, command);
    const fields = linkCheckAnswer(work.context);
    if (fields === undefined) return;
    answer(work, { cid: 0x02, name: "LinkCheckAns", ...fields }, evtEnqueueLinkCheckAnswer);
  },
};

import type {
  ADRSettings,
  MACParameters,
  MACState,
  MACState_UplinkMessage,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { MType } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { Band } from "../../lorawan/band/index.ts";
import { dataRateIndexOf } from "../downlink/data-rate.ts";
import type { AdrInput, AdrParameters, AdrSettings, AdrUplink } from "./types.ts";

/**
 * The ADR input of a device from its MAC state and `mac_settings.adr`. Recent uplinks that are
 * not data uplinks or whose data rate the band does not know are left out; a device without
 * enabled uplink channels gets an empty data rate range (no ADR). Without ADR settings, ADR is
 * dynamic where the band supports it, as The Things Stack defaults.
 */
export function adrInputFromMacState(
  macState: MACState,
  adr: ADRSettings | undefined,
  band: Band,
): AdrInput {
  const current = macState.currentParameters;
  return {
    band,
    uplinks: macState.recentUplinks.flatMap((up) => adrUplinkOf(up, band)),
    current: parametersOf(current),
    desired: parametersOf(macState.desiredParameters ?? current),
    channelDataRates: channelDataRates(current),
    rejectedDataRateIndexes: [...macState.rejectedAdrDataRateIndexes],
    rejectedTxPowerIndexes: [...macState.rejectedAdrTxPowerIndexes],
    lastAdrChangeFCnt: macState.lastAdrChangeFCntUp,
    settings: adrSettingsOf(adr, band),
  };
}

function adrUplinkOf(up: MACState_UplinkMessage, band: Band): AdrUplink[] {
  const mType = up.payload?.mHdr?.mType;
  if (mType !== MType.UNCONFIRMED_UP && mType !== MType.CONFIRMED_UP) return [];
  const payload = up.payload?.payload;
  if (payload?.case !== "macPayload") return [];
  const dataRateIndex = dataRateIndexOf(band, up.settings?.dataRate);
  if (dataRateIndex === undefined) return [];
  let maxSnr: number | undefined;
  let maxRssi: number | undefined;
  for (const md of up.rxMetadata) {
    if (maxSnr === undefined || md.snr > maxSnr) maxSnr = md.snr;
    if (maxRssi === undefined || md.channelRssi > maxRssi) maxRssi = md.channelRssi;
  }
  return [
    {
      fCnt: payload.value.fullFCnt,
      dataRateIndex,
      maxSnr,
      maxRssi,
      gatewayCount: up.rxMetadata.length,
      adrAckReq: payload.value.fHdr?.fCtrl?.adrAckReq ?? false,
    },
  ];
}

function parametersOf(parameters: MACParameters | undefined): AdrParameters {
  return {
    dataRateIndex: parameters?.adrDataRateIndex ?? 0,
    txPowerIndex: parameters?.adrTxPowerIndex ?? 0,
    nbTrans: parameters?.adrNbTrans || 1,
  };
}

function channelDataRates(parameters: MACParameters | undefined) {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const channel of parameters?.channels ?? []) {
    if (!channel.enableUplink) continue;
    min = Math.min(min, channel.minDataRateIndex);
    max = Math.max(max, channel.maxDataRateIndex);
  }
  return min > max ? { min: 0, max: -1 } : { min, max };
}

/** The ADR settings of `mac_settings.adr` (dynamic where the band supports it when unset). */
export function adrSettingsOf(adr: ADRSettings | undefined, band: Band): AdrSettings {
  const mode = adr?.mode;
  switch (mode?.case) {
    case "static":
      return {
        mode: "static",
        dataRateIndex: mode.value.dataRateIndex,
        txPowerIndex: mode.value.txPowerIndex,
        nbTrans: mode.value.nbTrans,
      };
    case "dynamic": {
      const d = mode.value;
      return {
        mode: "dynamic",
        margin: d.margin,
        minDataRateIndex: d.minDataRateIndex?.value,
        maxDataRateIndex: d.maxDataRateIndex?.value,
        minTxPowerIndex: d.minTxPowerIndex,
        maxTxPowerIndex: d.maxTxPowerIndex,
        minNbTrans: d.minNbTrans,
        maxNbTrans: d.maxNbTrans,
      };
    }
    case "disabled":
      return { mode: "disabled" };
    default:
      return band.supportsDynamicAdr ? { mode: "dynamic" } : { mode: "disabled" };
  }
}

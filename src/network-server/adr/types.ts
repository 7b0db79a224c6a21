import type { Band } from "../../lorawan/band/index.ts";

/** The three values ADR sets on a device (LinkADRReq DataRate, TXPower, NbTrans). */
export interface AdrParameters {
  readonly dataRateIndex: number;
  readonly txPowerIndex: number;
  readonly nbTrans: number;
}

/** What ADR needs of one received data uplink (after deduplication over gateways). */
export interface AdrUplink {
  /** The full (32-bit) frame counter. */
  readonly fCnt: number;
  /** The data rate index the uplink was received at. */
  readonly dataRateIndex: number;
  /** The best SNR (dB) over the gateways that received it; undefined when none reported one. */
  readonly maxSnr: number | undefined;
  /** The best channel RSSI (dBm) over the gateways; kept for algorithms that use it. */
  readonly maxRssi?: number | undefined;
  readonly gatewayCount: number;
  /** The device set ADRAckReq: it has heard no downlink for ADR_ACK_LIMIT uplinks. */
  readonly adrAckReq: boolean;
}

/** Bounds and margin of dynamic ADR; unset values fall back to the band and the defaults. */
export interface DynamicAdrSettings {
  readonly mode: "dynamic";
  /** dB left above the demodulation floor; {@link defaultAdrMargin} when unset. */
  readonly margin?: number | undefined;
  readonly minDataRateIndex?: number | undefined;
  readonly maxDataRateIndex?: number | undefined;
  readonly minTxPowerIndex?: number | undefined;
  readonly maxTxPowerIndex?: number | undefined;
  readonly minNbTrans?: number | undefined;
  readonly maxNbTrans?: number | undefined;
}

export interface StaticAdrSettings {
  readonly mode: "static";
  readonly dataRateIndex: number;
  readonly txPowerIndex: number;
  readonly nbTrans: number;
}

export interface DisabledAdrSettings {
  readonly mode: "disabled";
}

/** `mac_settings.adr`: dynamic, static or disabled. */
export type AdrSettings = DynamicAdrSettings | StaticAdrSettings | DisabledAdrSettings;

/** Everything an ADR algorithm may look at. Pure data: no clock, no I/O. */
export interface AdrInput {
  readonly band: Band;
  /** Recent data uplinks, oldest first. */
  readonly uplinks: readonly AdrUplink[];
  /** The parameters the device uses now (MACState.current_parameters). */
  readonly current: AdrParameters;
  /** The parameters the Network Server wants now (MACState.desired_parameters). */
  readonly desired: AdrParameters;
  /** The lowest and highest data rate of the device's enabled uplink channels. */
  readonly channelDataRates: { readonly min: number; readonly max: number };
  /** Data rates and TX powers the device rejected in a LinkADRAns. */
  readonly rejectedDataRateIndexes: readonly number[];
  readonly rejectedTxPowerIndexes: readonly number[];
  /** Uplinks with this frame counter or lower predate the last ADR change (0: none). */
  readonly lastAdrChangeFCnt: number;
  readonly settings: AdrSettings;
}

/**
 * An ADR algorithm: the desired parameters for the device, or undefined when they should stay
 * as they are (not enough data, nothing better, nothing allowed).
 */
export interface AdrAlgorithm {
  readonly name: string;
  decide(input: AdrInput, settings: DynamicAdrSettings): AdrParameters | undefined;
}

import type { RegionalParametersVersion } from "./version.ts";

/** LoRa modulation. `bandwidth` in Hz; `codingRate` as written in the regional parameters. */
export interface LoRaModulation {
  readonly kind: "lora";
  readonly spreadingFactor: number;
  readonly bandwidth: number;
  /** `"4/5"` for the sub-GHz bands, `"4/8LI"` (long interleaving) for ISM2400. */
  readonly codingRate: string;
}

/** (G)FSK modulation; `bitRate` in bit/s. */
export interface FskModulation {
  readonly kind: "fsk";
  readonly bitRate: number;
}

/** LR-FHSS modulation; `operatingChannelWidth` in Hz, `codingRate` `"1/3"` or `"2/3"`. */
export interface LrFhssModulation {
  readonly kind: "lr-fhss";
  readonly operatingChannelWidth: number;
  readonly codingRate: string;
}

export type Modulation = LoRaModulation | FskModulation | LrFhssModulation;

/** A value that depends on whether the 400 ms dwell-time limit applies. */
export interface DwellTimeDependent<T> {
  readonly noDwellTime: T;
  readonly dwellTime: T;
}

/**
 * One data rate of a band. Payload sizes are those of the "not repeater compatible" tables;
 * 0 means the data rate may not be used under that dwell-time setting.
 */
export interface DataRate {
  readonly index: number;
  readonly modulation: Modulation;
  /** Maximum MACPayload size (M) in bytes. */
  readonly maxMacPayloadSize: DwellTimeDependent<number>;
  /** Maximum FRMPayload size without FOpts (N = M − 8) in bytes. */
  readonly maxApplicationPayloadSize: DwellTimeDependent<number>;
}

/** A channel: frequency in Hz and the range of data rate indices it allows. */
export interface Channel {
  readonly frequency: number;
  readonly minDataRate: number;
  readonly maxDataRate: number;
}

/** A regulatory sub-band: frequency range in Hz, duty cycle (0..1] and maximum EIRP in dBm. */
export interface SubBand {
  readonly minFrequency: number;
  readonly maxFrequency: number;
  readonly dutyCycle: number;
  readonly maxEirp: number;
}

/** RX2 (and, by default, ping slot) parameters. */
export interface Rx2Parameters {
  readonly frequency: number;
  readonly dataRateIndex: number;
}

/**
 * Class B beacon. `frequencies` is empty where the beacon channel is computed per gateway
 * (CN470 20 MHz plans) rather than fixed.
 */
export interface BeaconParameters {
  readonly dataRateIndex: number;
  readonly codingRate: string;
  readonly frequencies: readonly number[];
}

/** Dwell-time limits that apply before a TxParamSetupReq was acknowledged; undefined = none. */
export interface DwellTime {
  readonly uplinks?: boolean;
  readonly downlinks?: boolean;
}

/** A relay wake-on-radio channel (RP002-1.0.4 / TS011). */
export interface RelayWorChannel {
  readonly frequency: number;
  readonly ackFrequency: number;
  readonly dataRateIndex: number;
}

export interface RelayParameters {
  readonly worChannels: readonly RelayWorChannel[];
}

/** The default timing and counters of a band; durations in milliseconds. */
export interface SharedParameters {
  readonly receiveDelay1: number;
  readonly receiveDelay2: number;
  readonly joinAcceptDelay1: number;
  readonly joinAcceptDelay2: number;
  readonly maxFCntGap: number;
  readonly adrAckLimit: number;
  readonly adrAckDelay: number;
  readonly minRetransmitTimeout: number;
  readonly maxRetransmitTimeout: number;
  readonly relayForwardDelay: number;
  readonly relayReceiveDelay: number;
  readonly servedRelayBackoff: number;
}

/**
 * RX1 data rate per uplink data rate (row) and RX1DROffset (column). An empty or missing row
 * means that uplink data rate has no RX1 mapping.
 */
export type Rx1DataRateTable = readonly (readonly number[])[];

/** How the RX1 channel follows from the uplink channel index. */
export type Rx1ChannelMapping =
  | { readonly kind: "same" }
  | { readonly kind: "modulo"; readonly downlinkChannels: number };

/**
 * Which LinkADRReq ChMask/ChMaskCntl semantics a band uses:
 * - `dynamic-16`: up to 16 channels; ChMaskCntl 0 = channels 0–15, 6 = all defined channels on.
 * - `fixed-72` (US915, AU915): 0–3 = 16-channel blocks, 4 = channels 64–71,
 *   5 = 8-channel banks with their 500 kHz channel (when `bankControl`),
 *   6/7 = all 125 kHz channels on/off and ChMask applies to 64–71.
 * - `fixed-96` (CN470 1.0.x/1.1): 0–5 = 16-channel blocks, 6 = all channels on.
 * - `fixed-64` (CN470 RP002 20 MHz): 0–3 = blocks, 6 = all on, 7 = all off.
 * - `fixed-48` (CN470 RP002 26 MHz): 0–2 = blocks, 3 = all on, 4 = all off.
 */
export type ChannelMaskLayout =
  | { readonly kind: "dynamic-16" }
  | { readonly kind: "fixed-72"; readonly bankControl: boolean }
  | { readonly kind: "fixed-96" }
  | { readonly kind: "fixed-64" }
  | { readonly kind: "fixed-48" };

/** CFList support: type 0 lists up to 5 frequencies, type 1 carries channel masks. */
export interface CfListParameters {
  readonly type: "frequencies" | "channel-masks";
  /** Whether a join-accept may carry a CFList in this version. */
  readonly supported: boolean;
}

/** Band identifier as The Things Stack names it, e.g. `EU_863_870`, `AS_923_2`, `ISM_2400`. */
export type BandId = string;

/** The regional parameters of one band in one regional parameters version. Pure data. */
export interface Band {
  readonly id: BandId;
  readonly version: RegionalParametersVersion;
  /** The defined data rates, by ascending index (indices may have gaps, e.g. US915 5–7). */
  readonly dataRates: readonly DataRate[];
  /** The highest data rate index ADR may assign. */
  readonly maxAdrDataRateIndex: number;
  /** Whether uplinks must use the band's coding rate exactly. */
  readonly strictCodingRate: boolean;
  /** Default uplink channels (for fixed-channel bands: all of them); also the join channels. */
  readonly uplinkChannels: readonly Channel[];
  readonly maxUplinkChannels: number;
  /** Default downlink channels (for dynamic bands: the uplink channels). */
  readonly downlinkChannels: readonly Channel[];
  readonly maxDownlinkChannels: number;
  readonly subBands: readonly SubBand[];
  /** Default maximum EIRP in dBm. */
  readonly defaultMaxEirp: number;
  /** TXPower index → offset in dB relative to the maximum EIRP. */
  readonly txPowerOffsets: readonly number[];
  readonly rx1DataRates: DwellTimeDependent<Rx1DataRateTable>;
  readonly rx1ChannelMapping: Rx1ChannelMapping;
  readonly defaultRx2: Rx2Parameters;
  readonly beacon: BeaconParameters;
  /** Default class B ping slot frequencies (several: hopping by beacon time and DevAddr). */
  readonly pingSlotFrequencies: readonly number[];
  readonly cfList: CfListParameters;
  /** Frequency unit in Hz of the CFList and NewChannelReq/DlChannelReq/RXParamSetupReq. */
  readonly frequencyStep: number;
  readonly supportsDynamicAdr: boolean;
  readonly txParamSetupReqSupport: boolean;
  readonly bootDwellTime: DwellTime;
  readonly channelMask: ChannelMaskLayout;
  readonly relay: RelayParameters;
  readonly sharedParameters: SharedParameters;
}

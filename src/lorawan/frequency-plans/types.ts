/**
 * The shape of a frequency plan: how a network uses one band of the LoRaWAN Regional
 * Parameters in practice (which channels gateways listen on, which sub-bands and limits
 * apply, how the gateway radios are tuned).
 *
 * Every value is resolved: where an operator's plan leaves a setting to the band (RX2,
 * sub-bands, maximum EIRP, dwell time), the plan carries the band's value, so that a reader
 * never has to merge a plan with its band. Frequencies are in Hz, powers in dBm EIRP.
 */

/** An uplink channel the gateways listen on. */
export interface UplinkChannel {
  readonly frequency: number;
  /** Lowest data rate index of the band allowed on this channel. */
  readonly minDataRate: number;
  /** Highest data rate index of the band allowed on this channel. */
  readonly maxDataRate: number;
  /**
   * Index into {@link FrequencyPlan.radios} of the radio that receives this channel; absent
   * when the plan has no radio configuration (2.4 GHz gateways choose their own).
   */
  readonly radio?: number;
}

/** A downlink channel (RX1) of a plan whose downlinks are not tied to the band's channels. */
export interface DownlinkChannel {
  readonly frequency: number;
  readonly minDataRate: number;
  readonly maxDataRate: number;
}

/** A channel with exactly one data rate: the LoRa "standard" (wide) channel or the FSK one. */
export interface SingleDataRateChannel {
  readonly frequency: number;
  readonly dataRate: number;
  readonly radio: number;
}

/** A regulatory sub-band: the channels inside it share its duty cycle and power limit. */
export interface SubBand {
  /** Lowest frequency, inclusive. */
  readonly minFrequency: number;
  /** Highest frequency, inclusive. */
  readonly maxFrequency: number;
  /** Largest fraction of time a transmitter may emit in this sub-band (1 = no limit). */
  readonly dutyCycle: number;
  readonly maxEirp: number;
}

/** The second receive window's defaults. */
export interface Rx2Parameters {
  readonly frequency: number;
  readonly dataRate: number;
}

/**
 * Dwell time limits: when a direction is limited, one transmission may not last longer than
 * `durationMs` (which also bounds the payload size through the band's dwell-time tables).
 */
export interface DwellTime {
  readonly uplinks: boolean;
  readonly downlinks: boolean;
  /** Present when a direction is limited. */
  readonly durationMs?: number;
}

/** Listen-before-talk settings the gateway applies before each downlink. */
export interface ListenBeforeTalk {
  /** Level (dBm) above which the channel counts as busy. */
  readonly rssiTarget: number;
  /** Correction (dB) added to the measured RSSI. */
  readonly rssiOffset: number;
  /** How long the gateway listens, in microseconds. */
  readonly scanTimeUs: number;
}

/**
 * Time-off-air a gateway keeps after each transmission: at least `fraction` of the time it
 * transmitted, and at least `durationMs`.
 */
export interface TimeOffAir {
  readonly fraction: number;
  readonly durationMs: number;
}

/** Class B ping slot settings that replace the band's defaults (hopping frequencies, data rate). */
export interface PingSlotParameters {
  /** One fixed ping slot frequency instead of the band's hopping ones. */
  readonly frequency?: number;
  /** The default ping slot data rate index. */
  readonly dataRate?: number;
}

/** Transmit capability of a radio. */
export interface RadioTransmitter {
  readonly minFrequency: number;
  readonly maxFrequency: number;
  /** Frequency (Hz) of the notch filter some front ends need (India). */
  readonly notchFrequency?: number;
}

/** One RF front end (radio) of a concentrator gateway. */
export interface Radio {
  readonly enabled: boolean;
  readonly chipType: "SX1255" | "SX1257" | "SX1250";
  /** Centre frequency the radio is tuned to; its IF channels are placed around it. */
  readonly centerFrequency: number;
  readonly rssiOffset: number;
  /** Present on the radio that transmits (downlinks). */
  readonly tx?: RadioTransmitter;
}

/** A frequency plan; all plans are listed in `frequencyPlans` (`./index.ts`). */
export interface FrequencyPlan {
  /** Identifier, as users and The Things Stack know it (`EU_863_870`). */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** The band (regional parameters) this plan uses, e.g. `EU_863_870`. */
  readonly bandId: string;
  /** The plan this one was derived from, when it is a variant of another plan. */
  readonly baseId?: string;
  /** The nominal band in MHz a gateway's hardware must support (433, 470, 868, 915, 2450). */
  readonly baseFrequencyMHz: number;
  /** Whether gateways may be configured with this plan (variants for devices say no). */
  readonly forGateways: boolean;
  /** ISO 3166-1 alpha-2 codes (lower case) of the countries where the plan is used. */
  readonly countryCodes: readonly string[];
  readonly subBands: readonly SubBand[];
  readonly uplinkChannels: readonly UplinkChannel[];
  /**
   * RX1 downlink channels. Absent for fixed-channel bands (US, AU, CN), where RX1 follows
   * the band's downlink channel mapping.
   */
  readonly downlinkChannels?: readonly DownlinkChannel[];
  readonly loraStandardChannel?: SingleDataRateChannel;
  readonly fskChannel?: SingleDataRateChannel;
  readonly rx2: Rx2Parameters;
  /** Maximum EIRP of the plan, for sub-bands that do not set their own. */
  readonly maxEirp: number;
  /** Absent when the band leaves dwell time to the end device's defaults. */
  readonly dwellTime?: DwellTime;
  readonly listenBeforeTalk?: ListenBeforeTalk;
  /** Absent when the plan sets none (no built-in plan does). */
  readonly timeOffAir?: TimeOffAir;
  /** Absent when the band's class B defaults apply (every built-in plan). */
  readonly pingSlot?: PingSlotParameters;
  /** Gateway radios; empty for plans without a concentrator configuration. */
  readonly radios: readonly Radio[];
  /** Radio index that provides the concentrator's clock. */
  readonly clockSource?: number;
}

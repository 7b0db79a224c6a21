/** A data rate as the forwarders write it in `datr`. Bandwidths and widths in Hz. */
export type DataRate =
  | { readonly modulation: "LORA"; readonly spreadingFactor: number; readonly bandwidth: number }
  | { readonly modulation: "FSK"; readonly bitRate: number }
  | {
      readonly modulation: "LR-FHSS";
      readonly modulationType: number;
      readonly operatingChannelWidth: number;
    };

export type Modulation = DataRate["modulation"];

// "SF7BW125", "SF12BW500", "SF7BW62.5" (bandwidth in kHz).
const loraPattern = /^SF(\d{1,2})BW(\d{1,4}(?:\.\d{1,3})?)$/;
// LR-FHSS as The Things Stack writes it: "M0CW137" (modulation type, channel width in kHz).
const lrFhssPattern = /^M(\d{1,2})CW(\d{1,5})$/;

// A gateway uses a handful of data rate strings: each is parsed once and its frozen result
// shared. Bounded, since a hostile gateway can send endless valid variants ("SF7BW125.001").
const parsed = new Map<string, DataRate>();
const MAX_PARSED = 256;

/** Reads `datr`: a LoRa or LR-FHSS identifier string, or an FSK bit rate number; `undefined` if bad. */
export function parseDataRate(value: unknown): DataRate | undefined {
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value <= 0 || value > 1_000_000) return undefined;
    return { modulation: "FSK", bitRate: value };
  }
  if (typeof value !== "string") return undefined;
  const known = parsed.get(value);
  if (known !== undefined) return known;
  const dataRate = parseText(value);
  if (dataRate !== undefined && parsed.size < MAX_PARSED)
    parsed.set(value, Object.freeze(dataRate));
  return dataRate;
}

function parseText(value: string): DataRate | undefined {
  const lora = loraPattern.exec(value);
  if (lora !== null) {
    const spreadingFactor = Number(lora[1]);
    const bandwidth = Math.round(Number(lora[2]) * 1000);
    if (spreadingFactor < 5 || spreadingFactor > 12 || bandwidth <= 0) return undefined;
    return { modulation: "LORA", spreadingFactor, bandwidth };
  }
  const lrFhss = lrFhssPattern.exec(value);
  if (lrFhss !== null) {
    const operatingChannelWidth = Number(lrFhss[2]) * 1000;
    if (operatingChannelWidth <= 0) return undefined;
    return { modulation: "LR-FHSS", modulationType: Number(lrFhss[1]), operatingChannelWidth };
  }
  return undefined;
}

/** `datr` as written on the wire: "SF7BW125", an FSK bit rate number, or "M0CW137". */
export function formatDataRate(dataRate: DataRate): string | number {
  switch (dataRate.modulation) {
    case "LORA":
      return `SF${dataRate.spreadingFactor}BW${dataRate.bandwidth / 1000}`;
    case "FSK":
      return dataRate.bitRate;
    case "LR-FHSS":
      return `M${dataRate.modulationType}CW${dataRate.operatingChannelWidth / 1000}`;
  }
}

import type { StreamEvent } from "../api/events";

type Json = Record<string, unknown>;

function object(value: unknown): Json | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

/** "SF7BW125" for LoRa, "50 kbit/s" for FSK, "LR-FHSS" from a TTS `data_rate`. */
export function dataRateText(dataRate: unknown): string | undefined {
  const rate = object(dataRate);
  const lora = object(rate?.lora);
  if (lora) {
    const sf = numberOf(lora.spreading_factor);
    const bw = numberOf(lora.bandwidth);
    if (sf === undefined) return undefined;
    return `SF${sf}${bw === undefined ? "" : `BW${Math.round(bw / 1000)}`}`;
  }
  const fsk = object(rate?.fsk);
  if (fsk) {
    const bitRate = numberOf(fsk.bit_rate);
    return bitRate === undefined ? "FSK" : `FSK ${Math.round(bitRate / 1000)} kbit/s`;
  }
  if (object(rate?.lrfhss)) return "LR-FHSS";
  return undefined;
}

/** The best reception of an uplink's `rx_metadata`: RSSI and SNR. */
function reception(metadata: unknown): string[] {
  if (!Array.isArray(metadata) || metadata.length === 0) return [];
  let best: Json | undefined;
  for (const entry of metadata) {
    const item = object(entry);
    if (!item) continue;
    const rssi = numberOf(item.rssi ?? item.channel_rssi);
    const bestRssi = numberOf(best?.rssi ?? best?.channel_rssi);
    if (!best || (rssi !== undefined && (bestRssi === undefined || rssi > bestRssi))) best = item;
  }
  const parts: string[] = [];
  const rssi = numberOf(best?.rssi ?? best?.channel_rssi);
  const snr = numberOf(best?.snr);
  if (rssi !== undefined) parts.push(`RSSI ${rssi} dBm`);
  if (snr !== undefined) parts.push(`SNR ${snr} dB`);
  if (metadata.length > 1) parts.push(`${metadata.length} gateways`);
  return parts;
}

/** The parts of an uplink message (TTS `ApplicationUplink` or `UplinkMessage`) worth a glance. */
function uplinkParts(message: Json): string[] {
  const parts: string[] = [];
  const fCnt = numberOf(message.f_cnt ?? object(object(message.payload)?.mac_payload)?.full_f_cnt);
  const fPort = numberOf(message.f_port ?? object(object(message.payload)?.mac_payload)?.f_port);
  if (fCnt !== undefined) parts.push(`FCnt ${fCnt}`);
  if (fPort !== undefined) parts.push(`FPort ${fPort}`);
  parts.push(...reception(message.rx_metadata));
  const settings = object(message.settings);
  const rate = dataRateText(settings?.data_rate);
  if (rate) parts.push(rate);
  return parts;
}

/**
 * A short line for an event: for uplinks FCnt, FPort, RSSI/SNR and data rate; joins,
 * downlinks and gateway events get what they carry. `undefined` when there is nothing to say.
 */
export function eventSummary(event: StreamEvent): string | undefined {
  const data = object(event.data);
  if (!data) return undefined;
  const parts: string[] = [];
  const uplink = object(data.uplink_message);
  const gatewayUplink = object(data.message);
  if (uplink) parts.push(...uplinkParts(uplink));
  else if (object(data.join_accept)) {
    const accept = object(data.join_accept);
    if (typeof accept?.dev_addr === "string") parts.push(`DevAddr ${accept.dev_addr}`);
    parts.push("join accepted");
  } else if (
    object(data.downlink_queued) ??
    object(data.downlink_sent) ??
    object(data.downlink_ack) ??
    object(data.downlink_nack) ??
    object(data.downlink_failed)
  ) {
    const down = (object(data.downlink_queued) ??
      object(data.downlink_sent) ??
      object(data.downlink_ack) ??
      object(data.downlink_nack) ??
      object(object(data.downlink_failed)?.downlink)) as Json;
    const fCnt = numberOf(down.f_cnt);
    const fPort = numberOf(down.f_port);
    if (fCnt !== undefined) parts.push(`FCnt ${fCnt}`);
    if (fPort !== undefined) parts.push(`FPort ${fPort}`);
    if (down.confirmed === true) parts.push("confirmed");
  } else if (gatewayUplink && (gatewayUplink.rx_metadata || gatewayUplink.raw_payload)) {
    parts.push(...uplinkParts(gatewayUplink));
  } else if (data.rx_metadata || data.settings) {
    parts.push(...uplinkParts(data));
  } else if (data.metrics || data.versions) {
    const metrics = object(data.metrics);
    for (const [key, label] of [
      ["rxin", "received"],
      ["rxok", "valid"],
      ["txin", "to send"],
      ["txok", "sent"],
    ] as const) {
      const value = numberOf(metrics?.[key]);
      if (value !== undefined) parts.push(`${value} ${label}`);
    }
    if (parts.length === 0) parts.push("status");
  } else if (typeof data.message === "string") {
    parts.push(data.message);
  }
  return parts.length > 0 ? parts.join(" · ") : undefined;
}

/** The device or gateway an event is about, as text (`app1/dev1`, `gw1`). */
export function eventEntity(event: StreamEvent): string | undefined {
  const first = object(event.identifiers?.[0]);
  const device = object(first?.device_ids);
  if (device && typeof device.device_id === "string") return device.device_id;
  const gateway = object(first?.gateway_ids);
  if (gateway && typeof gateway.gateway_id === "string") return gateway.gateway_id;
  const application = object(first?.application_ids);
  if (application && typeof application.application_id === "string")
    return application.application_id;
  return undefined;
}

/** A gateway as the Identity Server returns it (TTS JSON), with the fields the Console reads. */
export type Gateway = {
  ids: { gateway_id: string; eui?: string };
  name?: string;
  description?: string;
  frequency_plan_id?: string;
  frequency_plan_ids?: string[];
  gateway_server_address?: string;
  require_authenticated_connection?: boolean;
  status_public?: boolean;
  location_public?: boolean;
  enforce_duty_cycle?: boolean;
  antennas?: { location?: Location; gain?: number }[];
  created_at?: string;
  updated_at?: string;
};

export type Location = {
  latitude?: number;
  longitude?: number;
  altitude?: number;
  source?: string;
};

/** The Gateway Server's `GatewayConnectionStats` (TTS JSON). */
export type ConnectionStats = {
  connected_at?: string;
  disconnected_at?: string;
  protocol?: string;
  last_status_received_at?: string;
  last_status?: {
    time?: string;
    boot_time?: string;
    versions?: Record<string, string>;
    antenna_locations?: Location[];
    ip?: string[];
    metrics?: Record<string, number>;
  };
  last_uplink_received_at?: string;
  uplink_count?: string | number;
  last_downlink_received_at?: string;
  downlink_count?: string | number;
  last_tx_acknowledgment_received_at?: string;
  tx_acknowledgment_count?: string | number;
  round_trip_times?: { min?: string; max?: string; median?: string; count?: number };
  sub_bands?: {
    min_frequency?: string | number;
    max_frequency?: string | number;
    downlink_utilization_limit?: number;
    downlink_utilization?: number;
  }[];
  gateway_remote_address?: { ip?: string };
  /** lorastack's addition: the connection's traffic per UTC hour, last 24 hours, oldest first. */
  hourly_traffic?: {
    start?: string;
    uplink_count?: string | number;
    downlink_count?: string | number;
  }[];
};

/** The gateway fields lists and pages ask the Identity Server for. */
export const gatewayFields = [
  "name",
  "description",
  "frequency_plan_id",
  "frequency_plan_ids",
  "gateway_server_address",
  "require_authenticated_connection",
  "status_public",
  "location_public",
  "enforce_duty_cycle",
  "antennas",
  "created_at",
  "updated_at",
];

export type ConnectionState = "connected" | "disconnected" | "never";

/**
 * Whether the gateway is connected now: stats with a `connected_at` and no later
 * `disconnected_at`. No stats (the GS answers `not_connected`): never seen since its start.
 */
export function connectionState(stats: ConnectionStats | undefined): ConnectionState {
  if (!stats?.connected_at) return stats?.disconnected_at ? "disconnected" : "never";
  if (!stats.disconnected_at) return "connected";
  return Date.parse(stats.disconnected_at) >= Date.parse(stats.connected_at)
    ? "disconnected"
    : "connected";
}

/** A protobuf JSON duration (`"0.012345s"`) in milliseconds; undefined when malformed. */
export function durationMs(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^(-?\d+(?:\.\d+)?)s$/.exec(value);
  return match ? Number(match[1]) * 1000 : undefined;
}

/** Milliseconds for people: "12.3 ms", "1.20 s". */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** An elapsed time for people: "3 d 4 h", "2 h 5 min", "45 s". */
export function formatUptime(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s % 60} s`;
  return `${s} s`;
}

/** A uint64 JSON value (TTS writes them as strings) as a number; 0 when absent or malformed. */
export function count(value: unknown): number {
  const n = typeof value === "string" ? Number(value) : typeof value === "number" ? value : 0;
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

/** Hz → "867.1 MHz". */
export function formatMHz(hz: unknown): string {
  const n = count(hz);
  return n === 0 ? "—" : `${(n / 1e6).toFixed(1)} MHz`;
}

const hourMs = 3_600_000;

/** One hour of the traffic chart: its start (a whole UTC hour) and the messages in it. */
export type TrafficHour = { startMs: number; uplinks: number; downlinks: number };

/**
 * The last 24 whole hours up to the current one, each with the Gateway Server's
 * `hourly_traffic` of every given connection summed. The current hour is the browser's, or
 * the newest the Gateway Server reported when its clock is ahead. Malformed entries are skipped.
 */
export function trafficByHour(
  stats: readonly (ConnectionStats | undefined)[],
  nowMs: number,
): TrafficHour[] {
  const sums = new Map<number, { uplinks: number; downlinks: number }>();
  let latest = Math.floor(nowMs / hourMs) * hourMs;
  for (const entry of stats) {
    const hours = entry?.hourly_traffic;
    if (!Array.isArray(hours)) continue;
    for (const hour of hours) {
      const start = typeof hour?.start === "string" ? Date.parse(hour.start) : Number.NaN;
      if (!Number.isFinite(start)) continue;
      const key = Math.floor(start / hourMs) * hourMs;
      const sum = sums.get(key) ?? { uplinks: 0, downlinks: 0 };
      sum.uplinks += count(hour.uplink_count);
      sum.downlinks += count(hour.downlink_count);
      sums.set(key, sum);
      latest = Math.max(latest, key);
    }
  }
  const result: TrafficHour[] = [];
  for (let index = 23; index >= 0; index--) {
    const startMs = latest - index * hourMs;
    const sum = sums.get(startMs);
    result.push({ startMs, uplinks: sum?.uplinks ?? 0, downlinks: sum?.downlinks ?? 0 });
  }
  return result;
}

/** Whether any of the connections reports hourly traffic (a Gateway Server that has it). */
export function hasHourlyTraffic(stats: readonly (ConnectionStats | undefined)[]): boolean {
  return stats.some(
    (entry) => Array.isArray(entry?.hourly_traffic) && entry.hourly_traffic.length > 0,
  );
}

/**
 * The start of an hour in the browser's time zone and locale: "14:00" or "2:00 PM" ("14:30"
 * in zones half an hour off UTC).
 */
export function hourLabel(startMs: number): string {
  return new Date(startMs).toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** What the traffic chart shows, in words: for screen readers and as the chart's label. */
export function trafficSummary(hours: readonly TrafficHour[]): string {
  const total = hours.reduce(
    (sum, hour) => ({
      uplinks: sum.uplinks + hour.uplinks,
      downlinks: sum.downlinks + hour.downlinks,
    }),
    { uplinks: 0, downlinks: 0 },
  );
  const current = hours.at(-1);
  const now = current
    ? ` This hour (from ${hourLabel(current.startMs)}): ${plural(current.uplinks, "uplink")} and ${plural(current.downlinks, "downlink")}.`
    : "";
  return `Last 24 hours: ${plural(total.uplinks, "uplink")} and ${plural(total.downlinks, "downlink")}.${now}`;
}

/** The registry location of a gateway (its first antenna's), if set. */
export function locationOf(gateway: Gateway | undefined): Location | undefined {
  const location = gateway?.antennas?.[0]?.location;
  return typeof location?.latitude === "number" && typeof location.longitude === "number"
    ? location
    : undefined;
}

/** The gateway's frequency plan IDs (`frequency_plan_ids`, else the single `frequency_plan_id`). */
export function frequencyPlansOf(gateway: Gateway | undefined): string[] {
  if (gateway?.frequency_plan_ids && gateway.frequency_plan_ids.length > 0)
    return gateway.frequency_plan_ids;
  return gateway?.frequency_plan_id ? [gateway.frequency_plan_id] : [];
}

/** One point of the status history chart: RSSI and SNR of an uplink as this gateway heard it. */
export type SignalPoint = { time: number; rssi?: number; snr?: number };

/**
 * The RSSI/SNR with which `gatewayId` received the uplink of a `gs.up.receive` event (its
 * `rx_metadata` entry for that gateway); undefined for other events or malformed data.
 */
export function signalOf(
  event: { name?: unknown; time?: unknown; data?: unknown },
  gatewayId: string,
): SignalPoint | undefined {
  if (event.name !== "gs.up.receive" || typeof event.time !== "string") return undefined;
  const time = Date.parse(event.time);
  if (!Number.isFinite(time)) return undefined;
  const data = event.data as { message?: { rx_metadata?: unknown }; rx_metadata?: unknown } | null;
  const metadata = data?.message?.rx_metadata ?? data?.rx_metadata;
  if (!Array.isArray(metadata)) return undefined;
  for (const entry of metadata as {
    gateway_ids?: { gateway_id?: unknown };
    rssi?: unknown;
    channel_rssi?: unknown;
    snr?: unknown;
  }[]) {
    if (entry?.gateway_ids?.gateway_id !== gatewayId) continue;
    const rssi = typeof entry.rssi === "number" ? entry.rssi : entry.channel_rssi;
    const point: SignalPoint = { time };
    if (typeof rssi === "number") point.rssi = rssi;
    if (typeof entry.snr === "number") point.snr = entry.snr;
    return point.rssi === undefined && point.snr === undefined ? undefined : point;
  }
  return undefined;
}

/** TTS's ID rule (gateways, users, organizations). */
export { idError } from "../../components/ids.ts";

/** A gateway EUI as 16 hex digits (separators allowed), upper-cased; null when invalid. */
export function normalizeEui(value: string): string | null {
  const hex = value.replace(/[\s:-]/g, "").toUpperCase();
  return /^[0-9A-F]{16}$/.test(hex) ? hex : null;
}

/** A latitude, longitude or altitude field: "" (unset) or a number in range. */
export function coordinateError(value: string, min: number, max: number): string | null {
  if (value.trim() === "") return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= min && n <= max ? null : `A number from ${min} to ${max}`;
}

/** The `antennas` of a gateway with the location typed in, or none when latitude/longitude are empty. */
export function antennasFor(lat: string, lon: string, alt: string): Gateway["antennas"] {
  if (lat.trim() === "" || lon.trim() === "") return [];
  const location: Location = {
    latitude: Number(lat),
    longitude: Number(lon),
    source: "SOURCE_REGISTRY",
  };
  if (alt.trim() !== "") location.altitude = Math.round(Number(alt));
  return [{ location }];
}

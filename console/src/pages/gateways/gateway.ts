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

/**
 * The average uplinks per hour of a connection: the Gateway Server's uplink count over the
 * time since it connected. Undefined before a minute has passed (too noisy to show).
 */
export function uplinksPerHour(
  stats: ConnectionStats | undefined,
  now: number,
): number | undefined {
  if (!stats?.connected_at || connectionState(stats) !== "connected") return undefined;
  const elapsed = now - Date.parse(stats.connected_at);
  if (!Number.isFinite(elapsed) || elapsed < 60_000) return undefined;
  return count(stats.uplink_count) / (elapsed / 3_600_000);
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

/** TTS's ID rule. */
export function idError(id: string): string | null {
  if (id === "") return "Required";
  if (id.length > 36) return "At most 36 characters";
  return /^[a-z0-9](?:[-]?[a-z0-9]){2,}$/.test(id)
    ? null
    : "Lowercase letters, digits and single dashes; at least 3 characters";
}

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

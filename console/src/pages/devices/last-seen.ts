/** Reading the Network Server's recent uplinks of a device (its MAC state). */

/** One recent uplink as the Network Server keeps it (`mac_state.recent_uplinks`). */
export interface RecentUplink {
  received_at?: string;
  rx_metadata?: { channel_rssi?: number; rssi?: number; snr?: number }[];
  settings?: { data_rate?: unknown };
}

/** The time of the newest recent uplink, if any (the list is oldest first). */
export function lastSeenOf(uplinks: readonly RecentUplink[] | undefined): string | undefined {
  let newest: string | undefined;
  for (const uplink of uplinks ?? [])
    if (uplink.received_at && (!newest || Date.parse(uplink.received_at) > Date.parse(newest)))
      newest = uplink.received_at;
  return newest;
}

/** One point of the signal chart: the best gateway's RSSI and SNR of an uplink. */
export interface SignalPoint {
  time: number;
  label: string;
  rssi: number | null;
  snr: number | null;
}

/**
 * The signal of each recent uplink, oldest first: of all gateways that received it, the best
 * RSSI and the best SNR (as a link budget is judged by its best path).
 */
export function signalPoints(uplinks: readonly RecentUplink[] | undefined): SignalPoint[] {
  const points: SignalPoint[] = [];
  for (const uplink of uplinks ?? []) {
    const time = Date.parse(uplink.received_at ?? "");
    if (!Number.isFinite(time)) continue;
    let rssi: number | null = null;
    let snr: number | null = null;
    for (const metadata of uplink.rx_metadata ?? []) {
      const value = metadata.channel_rssi ?? metadata.rssi;
      if (typeof value === "number" && (rssi === null || value > rssi)) rssi = value;
      if (typeof metadata.snr === "number" && (snr === null || metadata.snr > snr))
        snr = metadata.snr;
    }
    points.push({ time, label: new Date(time).toLocaleTimeString(), rssi, snr });
  }
  return points.sort((a, b) => a.time - b.time);
}

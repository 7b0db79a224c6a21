/**
 * Device health at a glance, cheaply: for the first few applications, one Identity Server list
 * each (`field_mask=last_seen_at`, `order=-last_seen_at`, a page of `perApplication`), counted
 * by when each device was last seen. Never-seen devices sort last, so a page that ends with one
 * means every device after it was never seen either; otherwise the devices past the page are
 * not counted (and said so).
 */

/** Applications looked at, at most. */
export const healthApplications = 10;
/** Devices looked at per application, at most (the most recently seen). */
export const healthPerApplication = 100;

const hourMs = 3_600_000;

/** One application's page: its devices' `last_seen_at`, and how many devices it has. */
export interface HealthPage {
  lastSeen: readonly (string | undefined)[];
  total: number;
}

export interface DeviceHealth {
  /** Seen in the last hour. */
  hour: number;
  /** Seen in the last 24 hours, not in the last hour. */
  day: number;
  /** Seen, but not in the last 24 hours. */
  older: number;
  never: number;
  /** Devices past the pages, whose last-seen time was not looked at. */
  uncounted: number;
}

export function deviceHealth(pages: readonly HealthPage[], nowMs: number): DeviceHealth {
  const health: DeviceHealth = { hour: 0, day: 0, older: 0, never: 0, uncounted: 0 };
  for (const page of pages) {
    let endsNever = false;
    for (const at of page.lastSeen) {
      const ms = at ? Date.parse(at) : Number.NaN;
      endsNever = Number.isNaN(ms);
      if (endsNever) health.never++;
      else if (nowMs - ms <= hourMs) health.hour++;
      else if (nowMs - ms <= 24 * hourMs) health.day++;
      else health.older++;
    }
    const rest = Math.max(0, page.total - page.lastSeen.length);
    if (endsNever) health.never += rest;
    else health.uncounted += rest;
  }
  return health;
}

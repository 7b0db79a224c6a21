// ISO 8601 "compact" (rxpk.time: 2013-03-31T16:21:17.528002Z) and "expanded" (stat.time:
// 2014-01-12 08:59:28 GMT) with the variants forwarders write: a space or T, 0-9 fraction
// digits, GMT/UTC/Z or a numeric offset, or no zone (UTC).
const timePattern =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z| ?GMT| ?UTC|([+-])(\d{2}):?(\d{2}))?$/;

/** A gateway's UTC time as microseconds since the Unix epoch; `undefined` if not a valid time. */
export function parseGatewayTime(text: string): number | undefined {
  const m = timePattern.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  // Before 1970 no gateway clock runs (and Date.UTC reads years below 100 as 19xx).
  if (
    year < 1970 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    hour > 23 ||
    minute > 59 ||
    second > 60
  ) {
    return undefined;
  }
  let milliseconds = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 February into March: refuse days the month does not have.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  if (m[8] !== undefined) {
    const offset = (Number(m[9]) * 60 + Number(m[10])) * 60_000;
    milliseconds += m[8] === "+" ? -offset : offset;
  }
  const micros = m[7] === undefined ? 0 : Number(m[7].padEnd(6, "0").slice(0, 6));
  return milliseconds * 1000 + micros;
}

/** Compact form with µs, as rxpk.time: `2013-03-31T16:21:17.528002Z`. */
export function formatCompactTime(microseconds: number): string {
  const seconds = Math.floor(microseconds / 1e6);
  const fraction = microseconds - seconds * 1e6;
  const iso = new Date(seconds * 1000).toISOString();
  return `${iso.slice(0, 19)}.${String(fraction).padStart(6, "0")}Z`;
}

/** Expanded form, as stat.time: `2014-01-12 08:59:28 GMT`. */
export function formatExpandedTime(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} GMT`;
}

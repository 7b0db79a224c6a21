import { Text, Tooltip } from "@mantine/core";
import { useEffect, useState } from "react";

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const absoluteFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "medium",
});

/** "3 minutes ago" for a time; a few seconds apart reads "now". */
export function relativeTime(date: Date, now: number = Date.now()): string {
  const seconds = Math.round((date.getTime() - now) / 1000);
  if (Math.abs(seconds) < 5) return "now";
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size || unit === "second") {
      return relativeFormat.format(Math.round(seconds / size), unit);
    }
  }
  return relativeFormat.format(seconds, "second");
}

/** A time as relative text ("2 minutes ago") with the absolute time as its title. */
export function DateTime({ value }: { value: string | Date | undefined | null }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  if (!value) return <Text span>—</Text>;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return <Text span>—</Text>;
  const absolute = absoluteFormat.format(date);
  return (
    <Tooltip label={absolute}>
      <Text span inherit>
        <time dateTime={date.toISOString()} title={absolute}>
          {relativeTime(date, now)}
        </time>
      </Text>
    </Tooltip>
  );
}

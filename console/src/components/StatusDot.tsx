import { Box } from "@mantine/core";

const colors = { ok: "green.6", warn: "yellow.6", off: "gray.5" } as const;
const labels = { ok: "OK", warn: "Warning", off: "Off" } as const;

/** A small coloured dot for a state: ok (green), warn (yellow), off (grey). */
export function StatusDot({
  status,
  label,
}: {
  status: "ok" | "warn" | "off";
  /** The accessible name; by default the status ("OK"). */
  label?: string;
}) {
  return (
    <Box
      component="span"
      role="img"
      aria-label={label ?? labels[status]}
      bg={colors[status]}
      display="inline-block"
      w={10}
      h={10}
      style={{ borderRadius: "50%", flexShrink: 0 }}
    />
  );
}

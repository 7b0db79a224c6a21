import { Code } from "@mantine/core";

/** A value as indented JSON (monospace, scrolls sideways when long). */
export function JsonView({ value, maxHeight }: { value: unknown; maxHeight?: number }) {
  let text: string;
  try {
    text = JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    text = String(value);
  }
  return (
    <Code block style={{ maxHeight: maxHeight ?? 480, overflow: "auto" }}>
      {text}
    </Code>
  );
}

import { Button, TextInput, type TextInputProps } from "@mantine/core";
import { randomHex } from "./new-device.ts";

/**
 * A hex field (key, EUI, address) in monospace with a "Generate <label>" button that fills it
 * with random bytes from the browser's CSPRNG, or from `generate` (e.g. the Network Server's
 * DevAddr).
 */
export function KeyInput({
  label,
  bytes,
  onGenerate,
  generate,
  ...props
}: TextInputProps & {
  label: string;
  bytes: number;
  onGenerate: (value: string) => void;
  generate?: () => Promise<string>;
}) {
  return (
    <TextInput
      label={label}
      styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
      autoComplete="off"
      spellCheck={false}
      maxLength={bytes * 3}
      rightSectionWidth={92}
      rightSection={
        <Button
          size="compact-xs"
          variant="light"
          aria-label={`Generate ${label}`}
          onClick={async () => onGenerate(generate ? await generate() : randomHex(bytes))}
        >
          Generate
        </Button>
      }
      {...props}
    />
  );
}

import { ActionIcon, Code, CopyButton, Group, Tooltip } from "@mantine/core";
import { IconCheck, IconCopy, IconEye, IconEyeOff } from "@tabler/icons-react";
import { useState } from "react";

/** A value in monospace with a copy button; a secret is hidden until revealed. */
export function CopyValue({
  value,
  secret = false,
  label,
}: {
  value: string;
  secret?: boolean;
  /** What the value is, for the buttons' accessible names ("Copy DevEUI"). */
  label?: string;
}) {
  const [revealed, setRevealed] = useState(false);
  const hidden = secret && !revealed;
  const what = label ?? "value";
  return (
    <Group gap={4} wrap="nowrap" style={{ minWidth: 0 }}>
      <Code style={{ overflowWrap: "anywhere", whiteSpace: "pre-wrap" }}>
        {hidden ? "•".repeat(Math.min(value.length, 24)) : value}
      </Code>
      {secret && (
        <Tooltip label={revealed ? "Hide" : "Show"}>
          <ActionIcon
            variant="subtle"
            size="sm"
            aria-label={revealed ? `Hide ${what}` : `Show ${what}`}
            onClick={() => setRevealed((shown) => !shown)}
          >
            {revealed ? <IconEyeOff size={16} /> : <IconEye size={16} />}
          </ActionIcon>
        </Tooltip>
      )}
      <CopyButton value={value} timeout={1500}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? "Copied" : "Copy"}>
            <ActionIcon
              variant="subtle"
              size="sm"
              color={copied ? "teal" : undefined}
              aria-label={copied ? "Copied" : `Copy ${what}`}
              onClick={copy}
            >
              {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

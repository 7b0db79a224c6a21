import { ActionIcon, Button, Group, Stack, Text, TextInput } from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import type { KeyValueRow } from "./key-values.ts";

export interface KeyValueEditorProps {
  /** What one row is ("Header", "Attribute"): the inputs' accessible names. */
  noun: string;
  label: string;
  rows: KeyValueRow[];
  onChange(rows: KeyValueRow[]): void;
  error?: string | null;
  keyPlaceholder?: string;
  valuePlaceholder?: string;
}

/** Editable key/value pairs (webhook headers, attributes), one row per pair. */
export function KeyValueEditor(props: KeyValueEditorProps) {
  const { noun, rows, onChange } = props;
  const set = (index: number, change: Partial<KeyValueRow>) =>
    onChange(rows.map((row, at) => (at === index ? { ...row, ...change } : row)));
  return (
    <Stack gap="xs" role="group" aria-label={props.label}>
      <Text size="sm" fw={500}>
        {props.label}
      </Text>
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own
        <Group key={index} gap="xs" wrap="nowrap" align="flex-start">
          <TextInput
            aria-label={`${noun} ${index + 1} name`}
            placeholder={props.keyPlaceholder ?? "Name"}
            value={row.key}
            onChange={(event) => set(index, { key: event.currentTarget.value })}
            style={{ flex: 1 }}
          />
          <TextInput
            aria-label={`${noun} ${index + 1} value`}
            placeholder={props.valuePlaceholder ?? "Value"}
            value={row.value}
            onChange={(event) => set(index, { value: event.currentTarget.value })}
            style={{ flex: 2 }}
          />
          <ActionIcon
            variant="subtle"
            color="red"
            size="lg"
            aria-label={`Remove ${noun.toLowerCase()} ${index + 1}`}
            onClick={() => onChange(rows.filter((_, at) => at !== index))}
          >
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ))}
      {props.error ? (
        <Text size="sm" c="red" role="alert">
          {props.error}
        </Text>
      ) : null}
      <Group>
        <Button
          variant="subtle"
          size="compact-sm"
          leftSection={<IconPlus size={14} />}
          onClick={() => onChange([...rows, { key: "", value: "" }])}
        >
          Add {noun.toLowerCase()}
        </Button>
      </Group>
    </Stack>
  );
}

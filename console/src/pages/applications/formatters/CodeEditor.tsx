import { Textarea } from "@mantine/core";
import { type KeyboardEvent, useRef } from "react";
import { indent } from "./indent.ts";

export interface CodeEditorProps {
  label: string;
  value: string;
  onChange(value: string): void;
  error?: string | null;
}

/**
 * A monospace code editor: Tab and Shift+Tab indent the selected lines; Escape hands the
 * next Tab back to the browser so that the keyboard can leave the editor.
 */
export function CodeEditor({ label, value, onChange, error }: CodeEditorProps) {
  const escaped = useRef(false);
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Escape") {
      escaped.current = true;
      return;
    }
    if (event.key !== "Tab" || escaped.current || event.ctrlKey || event.altKey || event.metaKey) {
      escaped.current = false;
      return;
    }
    event.preventDefault();
    const area = event.currentTarget;
    const edit = indent(
      { text: area.value, selectionStart: area.selectionStart, selectionEnd: area.selectionEnd },
      event.shiftKey,
    );
    onChange(edit.text);
    requestAnimationFrame(() => area.setSelectionRange(edit.selectionStart, edit.selectionEnd));
  };
  return (
    <Textarea
      label={label}
      description="Tab indents; press Escape, then Tab, to move on."
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      onKeyDown={onKeyDown}
      error={error}
      autosize
      minRows={12}
      maxRows={30}
      spellCheck={false}
      autoCapitalize="off"
      autoCorrect="off"
      styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)", fontSize: 13 } }}
    />
  );
}

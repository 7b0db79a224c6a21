/** Tab and Shift+Tab in the code editor: indent or outdent the selected lines. */

export const indentUnit = "  ";

export interface Edit {
  text: string;
  selectionStart: number;
  selectionEnd: number;
}

/**
 * The text and selection after Tab (`outdent` false) or Shift+Tab: without a multi-line
 * selection Tab inserts one indent at the cursor; otherwise every line the selection touches
 * is indented or outdented by one unit.
 */
export function indent(edit: Edit, outdent: boolean): Edit {
  const { text, selectionStart: start, selectionEnd: end } = edit;
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  const multiLine = text.slice(start, end).includes("\n");
  if (!outdent && !multiLine) {
    return {
      text: text.slice(0, start) + indentUnit + text.slice(end),
      selectionStart: start + indentUnit.length,
      selectionEnd: start + indentUnit.length,
    };
  }
  const block = text.slice(lineStart, end);
  const lines = block.split("\n");
  let firstShift = 0;
  let total = 0;
  const changed = lines.map((line, index) => {
    if (!outdent) {
      if (index === 0) firstShift = indentUnit.length;
      total += indentUnit.length;
      return indentUnit + line;
    }
    const removable = line.match(/^ {1,2}|^\t/)?.[0].length ?? 0;
    if (index === 0) firstShift = -removable;
    total -= removable;
    return line.slice(removable);
  });
  return {
    text: text.slice(0, lineStart) + changed.join("\n") + text.slice(end),
    selectionStart: Math.max(lineStart, start + firstShift),
    selectionEnd: end + total,
  };
}

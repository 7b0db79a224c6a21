import type { CommandIO } from "./io.ts";

/**
 * How client commands print: JSON (pretty, the API's own field names) with `--json` or when
 * stdout is not a terminal, so scripts get JSON without asking; a table for lists and
 * key/value lines for one entity on a terminal.
 */
export interface Printer {
  readonly json: boolean;
  /** One entity (or any answer object). */
  entity(value: unknown): void;
  /** A list's entries; `total` is the server's count over all pages. */
  list(values: readonly unknown[], total?: number): void;
  /** A line for people (stderr, so it never mixes with JSON on stdout). */
  note(text: string): void;
}

export function createPrinter(io: CommandIO, options: { json?: boolean }): Printer {
  const json = options.json === true || io.isTerminal !== true;
  return {
    json,
    entity(value) {
      io.stdout(json ? formatJson(value) : formatRecord(value));
    },
    list(values, total) {
      if (json) {
        io.stdout(formatJson(values));
        return;
      }
      io.stdout(formatTable(values));
      if (total !== undefined && total > values.length)
        io.stderr(`${values.length} of ${total} shown (--limit, --page for more)\n`);
    },
    note(text) {
      io.stderr(`${text}\n`);
    },
  };
}

/** Pretty JSON with a final newline. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * The scalar leaves of a value as `[dotted.path, text]`: nested objects become paths,
 * lists of scalars are joined with commas, lists of objects are compact JSON.
 */
export function flatten(value: unknown, prefix = ""): [string, string][] {
  if (value === null || value === undefined) return prefix ? [[prefix, ""]] : [];
  if (Array.isArray(value)) {
    const scalar = value.every((item) => item === null || typeof item !== "object");
    return [[prefix, scalar ? value.map(String).join(", ") : JSON.stringify(value)]];
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return prefix ? [[prefix, ""]] : [];
    return entries.flatMap(([key, item]) => flatten(item, prefix ? `${prefix}.${key}` : key));
  }
  return [[prefix, String(value)]];
}

/** One entity as aligned `key  value` lines. */
export function formatRecord(value: unknown): string {
  const pairs = flatten(value);
  if (pairs.length === 0) return "(empty)\n";
  const width = Math.max(...pairs.map(([key]) => key.length));
  return pairs.map(([key, text]) => `${key.padEnd(width)}  ${oneLine(text)}\n`).join("");
}

/** The widest a table cell gets before it is cut (with an ellipsis). */
const cellWidth = 48;

/**
 * A list as a table: a column per leaf path found in any row (in order of first appearance),
 * `ids.` left out of the headers since every row has its identifiers there.
 */
export function formatTable(values: readonly unknown[]): string {
  if (values.length === 0) return "(none)\n";
  const rows = values.map((value) => new Map(flatten(value)));
  const columns: string[] = [];
  for (const row of rows)
    for (const key of row.keys()) if (!columns.includes(key)) columns.push(key);
  const cells = rows.map((row) => columns.map((column) => cell(row.get(column) ?? "")));
  const headers = columns.map((column) => column.replace(/^ids\./, "").toUpperCase());
  const widths = columns.map((_, index) =>
    Math.max(headers[index]?.length ?? 0, ...cells.map((line) => line[index]?.length ?? 0)),
  );
  const render = (line: readonly string[]) =>
    `${line
      .map((text, index) => text.padEnd(widths[index] ?? 0))
      .join("  ")
      .trimEnd()}\n`;
  return render(headers) + cells.map(render).join("");
}

function cell(text: string): string {
  const line = oneLine(text);
  return line.length > cellWidth ? `${line.slice(0, cellWidth - 1)}…` : line;
}

/** Control characters (newlines, escapes from hostile names) shown as spaces. */
function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return text.replace(/[\u0000-\u001f\u007f]/g, " ");
}

/** Rows of a key/value editor (headers, attributes) and the map they make. */
export interface KeyValueRow {
  key: string;
  value: string;
}

export function rowsOf(map: Record<string, string> | undefined): KeyValueRow[] {
  return Object.entries(map ?? {}).map(([key, value]) => ({ key, value }));
}

/**
 * The map of the rows (rows with an empty key and value are dropped), or the error of the
 * first bad row: a value without a key, or a key given twice.
 */
export function mapOf(
  rows: readonly KeyValueRow[],
): { map: Record<string, string> } | { error: string } {
  const map: Record<string, string> = {};
  for (const [index, row] of rows.entries()) {
    const key = row.key.trim();
    if (key === "" && row.value === "") continue;
    if (key === "") return { error: `Row ${index + 1}: enter a key` };
    if (Object.hasOwn(map, key)) return { error: `"${key}" is given twice` };
    map[key] = row.value;
  }
  return { map };
}

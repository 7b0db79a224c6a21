import { checkedId, parseEui } from "../arguments.ts";
import { type DeviceChange, parseHexBytes, setField } from "./device-flags.ts";
import { errImportFile } from "./errors.ts";
import { registriesOf } from "./registries.ts";
import { hasSeparateNetworkKeys, parseVersion } from "./versions.ts";

/**
 * The end devices of an import file: The Things Stack's end device JSON (a JSON array, or a
 * stream of objects such as JSON lines — what `end-devices get --all --with-root-keys
 * --with-session` prints) or the Console's CSV (a header row; `;` or `,` between fields;
 * `"` quotes; unknown columns ignored). Each record is a device to create or the reason it is
 * refused, with the line it starts on.
 */
export interface ImportRecord {
  /** The line of the file the record starts on. */
  line: number;
  /** The device ID, when the record has one. */
  deviceId?: string;
  change?: DeviceChange;
  error?: string;
}

/** What rows without them get: `--application-id`, `--frequency-plan-id`, the versions. */
export interface ImportDefaults {
  applicationId?: string;
  frequencyPlanId?: string;
  lorawanVersion?: string;
  lorawanPhyVersion?: string;
}

/** The records of `text`; a file that is neither JSON nor CSV is `import_file`. */
export function parseImport(text: string, path: string, defaults: ImportDefaults): ImportRecord[] {
  const start = text.trimStart();
  const objects = start.startsWith("[")
    ? jsonArray(text, path)
    : start.startsWith("{")
      ? jsonStream(text, path)
      : undefined;
  if (objects)
    return objects.map(({ line, value }) => record(line, () => fromJson(value, defaults)));
  return csvRecords(text, path).map(({ line, row }) => record(line, () => fromCsv(row, defaults)));
}

function record(line: number, read: () => DeviceChange): ImportRecord {
  try {
    const change = read();
    const ids = change.device.ids as { device_id: string };
    return { line, deviceId: ids.device_id, change };
  } catch (error) {
    return { line, error: (error as Error).message };
  }
}

// --- JSON -------------------------------------------------------------------------------

interface Located<T> {
  line: number;
  value: T;
}

function jsonArray(text: string, path: string): Located<unknown>[] {
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (error) {
    throw errImportFile.create({ path, reason: (error as Error).message });
  }
  if (!Array.isArray(values)) throw errImportFile.create({ path, reason: "not a JSON array" });
  // An array has no useful line per entry: entries are counted from 1 instead.
  return values.map((value, index) => ({ line: index + 1, value }));
}

/**
 * Objects one after the other (JSON lines, or pretty-printed ones), each parsed on its own so
 * that a broken one fails alone: split where the braces outside strings balance.
 */
function jsonStream(text: string, path: string): Located<unknown>[] {
  const found: Located<unknown>[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let begin = -1;
  let line = 1;
  let beginLine = 1;
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (char === "\n") line++;
    if (inString) {
      if (escaped) escaped = false;
      else if (char === "\\") escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === "{") {
      if (depth === 0) {
        begin = at;
        beginLine = line;
      }
      depth++;
    } else if (char === "}" && depth > 0) {
      depth--;
      if (depth === 0) found.push(parseObject(text.slice(begin, at + 1), beginLine));
    } else if (depth === 0 && char !== undefined && !/\s|,/.test(char)) {
      throw errImportFile.create({ path, reason: `line ${line}: \`${char}\` outside an object` });
    }
  }
  if (depth > 0) found.push({ line: beginLine, value: new SyntaxError("unterminated object") });
  return found;
}

function parseObject(text: string, line: number): Located<unknown> {
  try {
    return { line, value: JSON.parse(text) };
  } catch (error) {
    return { line, value: error as Error };
  }
}

/** Fields that are state, not configuration: not written on import. */
const notImported = new Set([
  "ids",
  "created_at",
  "updated_at",
  "mac_state",
  "pending_mac_state",
  "pending_session",
]);
/** Fields written leaf by leaf, because their parts belong to different registries. */
const byLeaf = new Set(["session", "root_keys"]);

function fromJson(value: unknown, defaults: ImportDefaults): DeviceChange {
  if (value instanceof Error) throw value;
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new Error("not a JSON object");
  const device = value as Record<string, unknown>;
  const ids = (device.ids ?? {}) as Record<string, unknown>;
  const applicationIds = (ids.application_ids ?? {}) as Record<string, unknown>;
  const change = newChange(
    String(applicationIds.application_id ?? defaults.applicationId ?? ""),
    ids.device_id === undefined ? "" : String(ids.device_id),
  );
  if (ids.dev_eui !== undefined)
    setField(change, "ids.dev_eui", parseEui("dev_eui", String(ids.dev_eui)));
  if (ids.join_eui !== undefined)
    setField(change, "ids.join_eui", parseEui("join_eui", String(ids.join_eui)));
  for (const [field, fieldValue] of Object.entries(device)) {
    if (notImported.has(field) || fieldValue === undefined) continue;
    // Unknown fields are ignored, as The Things Stack reads JSON.
    if (!isKnownField(field)) continue;
    if (byLeaf.has(field))
      for (const [path, leaf] of leaves(fieldValue, field)) setField(change, path, leaf);
    else setField(change, field, fieldValue);
  }
  applyDefaults(change, defaults);
  return change;
}

function isKnownField(field: string): boolean {
  try {
    registriesOf(field);
    return true;
  } catch {
    return false;
  }
}

/** `[path, value]` of each scalar (or list) below `value`. */
function leaves(value: unknown, prefix: string): [string, unknown][] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [[prefix, value]];
  return Object.entries(value).flatMap(([key, item]) => leaves(item, `${prefix}.${key}`));
}

// --- CSV --------------------------------------------------------------------------------

type ColumnType =
  | "text"
  | "id"
  | "eui"
  | "key"
  | "dev-addr"
  | "mac"
  | "phy"
  | "boolean"
  | "number"
  | "wrapped";

/** The Console's CSV columns (TTS's "CSV File Reference"): column → path and type. */
const csvColumns: Readonly<Record<string, readonly [string, ColumnType]>> = {
  id: ["ids.device_id", "id"],
  dev_eui: ["ids.dev_eui", "eui"],
  join_eui: ["ids.join_eui", "eui"],
  app_eui: ["ids.join_eui", "eui"],
  name: ["name", "text"],
  description: ["description", "text"],
  lorawan_version: ["lorawan_version", "mac"],
  lorawan_phy_version: ["lorawan_phy_version", "phy"],
  frequency_plan_id: ["frequency_plan_id", "text"],
  brand_id: ["version_ids.brand_id", "text"],
  model_id: ["version_ids.model_id", "text"],
  firmware_version: ["version_ids.firmware_version", "text"],
  hardware_version: ["version_ids.hardware_version", "text"],
  band_id: ["version_ids.band_id", "text"],
  supports_class_c: ["supports_class_c", "boolean"],
  app_key: ["root_keys.app_key.key", "key"],
  nwk_key: ["root_keys.nwk_key.key", "key"],
  rx1_delay: ["mac_settings.rx1_delay", "wrapped"],
  supports_32_bit_f_cnt: ["mac_settings.supports_32_bit_f_cnt", "wrapped"],
  dev_addr: ["session.dev_addr", "dev-addr"],
  app_s_key: ["session.keys.app_s_key.key", "key"],
  f_nwk_s_int_key: ["session.keys.f_nwk_s_int_key.key", "key"],
  s_nwk_s_int_key: ["session.keys.s_nwk_s_int_key.key", "key"],
  nwk_s_enc_key: ["session.keys.nwk_s_enc_key.key", "key"],
  last_f_cnt_up: ["session.last_f_cnt_up", "number"],
  last_n_f_cnt_down: ["session.last_n_f_cnt_down", "number"],
  last_a_f_cnt_down: ["session.last_a_f_cnt_down", "number"],
};

function fromCsv(row: Map<string, string>, defaults: ImportDefaults): DeviceChange {
  const mismatch = row.get("");
  if (mismatch) throw new Error(mismatch);
  const devEui = row.get("dev_eui");
  const deviceId = row.get("id") || devEui?.toLowerCase() || "";
  const change = newChange(defaults.applicationId ?? "", deviceId);
  for (const [column, text] of row) {
    const target = csvColumns[column];
    if (!target || text === "" || column === "id") continue;
    const [path, type] = target;
    setField(change, path, csvValue(column, type, text));
  }
  const device = change.device;
  // A row with an AppKey joins; one with only a session is ABP.
  const joins = device.root_keys !== undefined || device.session === undefined;
  setField(change, "supports_join", joins);
  applyDefaults(change, defaults);
  return change;
}

function csvValue(column: string, type: ColumnType, text: string): unknown {
  switch (type) {
    case "eui":
      return parseEui(column, text);
    case "key":
      return parseHexBytes(column, text, 16);
    case "dev-addr":
      return parseHexBytes(column, text, 4);
    case "mac":
      return parseVersion("mac", column, text);
    case "phy":
      return parseVersion("phy", column, text);
    case "boolean":
      return parseBoolean(column, text);
    case "number":
      if (!/^\d{1,10}$/.test(text)) throw new Error(`${column}: \`${text}\` is not a whole number`);
      return Number(text);
    case "wrapped":
      return { value: /^(true|false)$/i.test(text) ? parseBoolean(column, text) : text };
    default:
      return text;
  }
}

function parseBoolean(column: string, text: string): boolean {
  if (/^true$/i.test(text)) return true;
  if (/^false$/i.test(text)) return false;
  throw new Error(`${column}: \`${text}\` is not true or false`);
}

/** The header and each row as column → value, with the line each row starts on. */
function csvRecords(text: string, path: string): { line: number; row: Map<string, string> }[] {
  const rows = csvRows(text);
  const header = rows.shift();
  if (!header || header.fields.every((field) => field.trim() === ""))
    throw errImportFile.create({ path, reason: "no CSV header, JSON array or JSON object" });
  const columns = header.fields.map((field) => field.trim().toLowerCase());
  return rows
    .filter(({ fields }) => !(fields.length === 1 && fields[0]?.trim() === ""))
    .map(({ line, fields }) => {
      const row = new Map<string, string>();
      if (fields.length !== columns.length)
        row.set("", `${fields.length} fields, ${columns.length} columns`);
      columns.forEach((column, index) => {
        row.set(column, (fields[index] ?? "").trim());
      });
      return { line, row };
    });
}

/** RFC 4180 rows with the delimiter of the header line (`;` as TTS's, or `,`). */
function csvRows(text: string): { line: number; fields: string[] }[] {
  const firstLine = text.slice(0, text.indexOf("\n") === -1 ? undefined : text.indexOf("\n"));
  const delimiter = firstLine.includes(";") ? ";" : ",";
  const rows: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let at = 0; at < text.length; at++) {
    const char = text[at] as string;
    if (quoted) {
      if (char === '"' && text[at + 1] === '"') {
        field += '"';
        at++;
      } else if (char === '"') quoted = false;
      else {
        if (char === "\n") line++;
        field += char;
      }
    } else if (char === '"') quoted = true;
    else if (char === delimiter) {
      fields.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[at + 1] === "\n") at++;
      fields.push(field);
      rows.push({ line: rowLine, fields });
      fields = [];
      field = "";
      line++;
      rowLine = line;
    } else field += char;
  }
  if (field !== "" || fields.length > 0) {
    fields.push(field);
    rows.push({ line: rowLine, fields });
  }
  return rows;
}

// --- both -------------------------------------------------------------------------------

function newChange(applicationId: string, deviceId: string): DeviceChange {
  if (!applicationId) throw new Error("no application ID: give --application-id");
  if (!deviceId) throw new Error("no device ID");
  return {
    device: {
      ids: {
        device_id: checkedId("device_id", deviceId),
        application_ids: { application_id: checkedId("application_id", applicationId) },
      },
    },
    paths: [],
  };
}

/** The fallbacks for what a row lacks; versions in TTS's names; 1.0's single network key. */
function applyDefaults(change: DeviceChange, defaults: ImportDefaults): void {
  const { device } = change;
  const fallbacks = [
    ["frequency_plan_id", defaults.frequencyPlanId],
    ["lorawan_version", defaults.lorawanVersion],
    ["lorawan_phy_version", defaults.lorawanPhyVersion],
  ] as const;
  for (const [field, fallback] of fallbacks)
    if (device[field] === undefined && fallback !== undefined) setField(change, field, fallback);
  if (typeof device.lorawan_version === "string")
    device.lorawan_version = parseVersion("mac", "lorawan_version", device.lorawan_version);
  if (typeof device.lorawan_phy_version === "string")
    device.lorawan_phy_version = parseVersion(
      "phy",
      "lorawan_phy_version",
      device.lorawan_phy_version,
    );
  if (!hasSeparateNetworkKeys(String(device.lorawan_version ?? ""))) {
    // A 1.0 session shows its one network key three times; the NS takes it once.
    change.paths = change.paths.filter(
      (path) =>
        !path.startsWith("session.keys.s_nwk_s_int_key") &&
        !path.startsWith("session.keys.nwk_s_enc_key"),
    );
  }
  if (device.supports_join === undefined) setField(change, "supports_join", true);
}

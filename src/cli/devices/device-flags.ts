import { attributeOf, type Flags, parseAttributes, parseEui } from "../arguments.ts";
import { errHexBytes } from "./errors.ts";
import { parseVersion } from "./versions.ts";

/**
 * The flags of `end-devices create` and `update`, with ttn-lw-cli's names: each writes one
 * field path of The Things Stack's end device JSON. Pure data and parsing: every bad value is a
 * usage error (exit 2) before any call.
 */
export type DeviceFlagType =
  | "text"
  | "boolean"
  | "eui"
  | "key"
  | "dev-addr"
  | "mac-version"
  | "phy-version"
  | "attributes";

export interface DeviceFlag {
  readonly flag: string;
  readonly path: string;
  readonly type: DeviceFlagType;
  readonly description: string;
  /** The identifiers cannot change after creation. */
  readonly createOnly?: boolean;
}

const key = (flag: string, path: string, description: string): DeviceFlag => ({
  flag,
  path,
  type: "key",
  description: `${description} (32 hex digits)`,
});

/** The table; `--app-eui` is ttn-lw-cli's other name of `--join-eui` (commands add it). */
export const deviceFlags: readonly DeviceFlag[] = [
  { flag: "dev-eui", path: "ids.dev_eui", type: "eui", description: "DevEUI", createOnly: true },
  {
    flag: "join-eui",
    path: "ids.join_eui",
    type: "eui",
    description: "JoinEUI (AppEUI; default: the Join Server's default JoinEUI)",
    createOnly: true,
  },
  { flag: "name", path: "name", type: "text", description: "name" },
  { flag: "description", path: "description", type: "text", description: "description" },
  {
    flag: "attributes",
    path: "attributes",
    type: "attributes",
    description: "attribute key=value (repeatable; replaces all on update)",
  },
  {
    flag: "frequency-plan-id",
    path: "frequency_plan_id",
    type: "text",
    description: "frequency plan (EU_863_870_TTN, US_902_928_FSB_2, ...)",
  },
  {
    flag: "lorawan-version",
    path: "lorawan_version",
    type: "mac-version",
    description: "LoRaWAN version (MAC_V1_0_3 or 1.0.3, ...)",
  },
  {
    flag: "lorawan-phy-version",
    path: "lorawan_phy_version",
    type: "phy-version",
    description: "regional parameters version (PHY_V1_0_3_REV_A or 1.0.3-a, RP002_V1_0_3, ...)",
  },
  {
    flag: "supports-join",
    path: "supports_join",
    type: "boolean",
    description: "OTAA (default on create; see --abp)",
    createOnly: true,
  },
  { flag: "supports-class-b", path: "supports_class_b", type: "boolean", description: "class B" },
  { flag: "supports-class-c", path: "supports_class_c", type: "boolean", description: "class C" },
  key("root-keys.app-key.key", "root_keys.app_key.key", "AppKey"),
  key("root-keys.nwk-key.key", "root_keys.nwk_key.key", "NwkKey (LoRaWAN 1.1)"),
  {
    flag: "root-keys.root-key-id",
    path: "root_keys.root_key_id",
    type: "text",
    description: "ID of the root keys",
  },
  {
    flag: "session.dev-addr",
    path: "session.dev_addr",
    type: "dev-addr",
    description: "ABP DevAddr (8 hex digits)",
  },
  key("session.keys.app-s-key.key", "session.keys.app_s_key.key", "ABP AppSKey"),
  key(
    "session.keys.f-nwk-s-int-key.key",
    "session.keys.f_nwk_s_int_key.key",
    "ABP FNwkSIntKey (NwkSKey of LoRaWAN 1.0)",
  ),
  key("session.keys.s-nwk-s-int-key.key", "session.keys.s_nwk_s_int_key.key", "ABP SNwkSIntKey"),
  key("session.keys.nwk-s-enc-key.key", "session.keys.nwk_s_enc_key.key", "ABP NwkSEncKey"),
  {
    flag: "formatters.up-formatter",
    path: "formatters.up_formatter",
    type: "text",
    description: "uplink formatter (FORMATTER_JAVASCRIPT, FORMATTER_CAYENNELPP, ...)",
  },
  {
    flag: "formatters.up-formatter-parameter",
    path: "formatters.up_formatter_parameter",
    type: "text",
    description: "uplink formatter's parameter (the script)",
  },
  {
    flag: "formatters.down-formatter",
    path: "formatters.down_formatter",
    type: "text",
    description: "downlink formatter",
  },
  {
    flag: "formatters.down-formatter-parameter",
    path: "formatters.down_formatter_parameter",
    type: "text",
    description: "downlink formatter's parameter",
  },
  {
    flag: "network-server-address",
    path: "network_server_address",
    type: "text",
    description: "Network Server's host",
  },
  {
    flag: "application-server-address",
    path: "application_server_address",
    type: "text",
    description: "Application Server's host",
  },
  {
    flag: "join-server-address",
    path: "join_server_address",
    type: "text",
    description: "Join Server's host",
  },
];

/** A device as The Things Stack's JSON, and the field mask paths set in it. */
export interface DeviceChange {
  device: Record<string, unknown>;
  paths: string[];
}

/** The device fields and paths the flags give; `verb` leaves out create-only flags on update. */
export function readDeviceFlags(flags: Flags, verb: "create" | "update"): DeviceChange {
  const change: DeviceChange = { device: {}, paths: [] };
  for (const entry of deviceFlags) {
    if (verb === "update" && entry.createOnly) continue;
    const given = flags[attributeOf(entry.flag)];
    if (given === undefined) continue;
    setField(change, entry.path, parseFlagValue(entry, given));
  }
  return change;
}

/** Sets `path` of the change's device and adds it to its paths. */
export function setField(change: DeviceChange, path: string, value: unknown): void {
  setPath(change.device, path, value);
  if (!change.paths.includes(path)) change.paths.push(path);
}

/** The value at `path` of a JSON object, if any. */
export function getPath(target: unknown, path: string): unknown {
  let node = target;
  for (const part of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Sets `a.b.c` of `target`, creating the objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== "object") node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1) as string] = value;
}

function parseFlagValue(entry: DeviceFlag, given: unknown): unknown {
  switch (entry.type) {
    case "eui":
      return parseEui(entry.flag, given as string);
    case "key":
      return parseHexBytes(entry.flag, given as string, 16);
    case "dev-addr":
      return parseHexBytes(entry.flag, given as string, 4);
    case "mac-version":
      return parseVersion("mac", entry.flag, given as string);
    case "phy-version":
      return parseVersion("phy", entry.flag, given as string);
    case "attributes":
      return parseAttributes(given as string[]);
    default:
      return given;
  }
}

/** `bytes` bytes as hex digits (separators `:`, `-` and spaces allowed), written upper case. */
export function parseHexBytes(flag: string, value: string, bytes: number): string {
  const hex = value.replace(/[-: ]/g, "");
  if (hex.length !== bytes * 2 || !/^[0-9a-fA-F]*$/.test(hex))
    throw errHexBytes.create({ flag, value, digits: bytes * 2 });
  return hex.toUpperCase();
}

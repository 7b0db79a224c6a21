import { randomBytes } from "node:crypto";
import { readFile, stat, writeFile } from "node:fs/promises";
import { labelPattern } from "./config.ts";
import { errKeyFile } from "./errors.ts";
import { isAesKeyLength } from "./static-key-vault.ts";

/** The KEKs of the embedded default, kept in the data directory. */
export interface KeyFile {
  defaultLabel: string;
  keys: Map<string, Uint8Array>;
}

/** What the file holds: `{"default_label": "...", "keys": {"<label>": "<hex>"}}`. */
interface KeyFileJson {
  default_label: string;
  keys: Record<string, string>;
}

/** Reads the key file; `undefined` when it does not exist. */
export async function readKeyFile(file: string): Promise<KeyFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw errKeyFile.create({ file, reason: (error as Error).message }, error);
  }
  return parseKeyFile(file, text);
}

function parseKeyFile(file: string, text: string): KeyFile {
  const fail = (reason: string) => errKeyFile.create({ file, reason });
  let json: Partial<KeyFileJson>;
  try {
    json = JSON.parse(text) as Partial<KeyFileJson>;
  } catch {
    throw fail("it is not JSON");
  }
  if (typeof json !== "object" || json === null || typeof json.keys !== "object" || !json.keys)
    throw fail('it has no "keys" object');
  const keys = new Map<string, Uint8Array>();
  for (const [label, hex] of Object.entries(json.keys)) {
    const key =
      typeof hex === "string" && /^[0-9a-fA-F]+$/.test(hex) ? Buffer.from(hex, "hex") : undefined;
    if (!labelPattern.test(label) || !key || !isAesKeyLength(key))
      throw fail(`key ${JSON.stringify(label)} is not a label with a hex AES key`);
    keys.set(label, new Uint8Array(key));
  }
  const defaultLabel = json.default_label;
  if (typeof defaultLabel !== "string" || !keys.has(defaultLabel))
    throw fail('its "default_label" names none of its keys');
  return { defaultLabel, keys };
}

/**
 * Creates the key file with one random AES-256 KEK, readable by the owner only (0600). Two
 * processes creating it at once end with the first one's file: the second reads it instead.
 */
export async function createKeyFile(file: string): Promise<{ keyFile: KeyFile; created: boolean }> {
  const label = `embedded-${randomBytes(4).toString("hex")}`;
  const key = randomBytes(32);
  const json: KeyFileJson = { default_label: label, keys: { [label]: key.toString("hex") } };
  try {
    await writeFile(file, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      const existing = await readKeyFile(file);
      if (existing) return { keyFile: existing, created: false };
    }
    throw errKeyFile.create({ file, reason: (error as Error).message }, error);
  }
  return {
    keyFile: { defaultLabel: label, keys: new Map([[label, new Uint8Array(key)]]) },
    created: true,
  };
}

/** Whether others than the owner may read or write the file (its mode has group or other bits). */
export async function isExposed(file: string): Promise<boolean> {
  if (process.platform === "win32") return false;
  return ((await stat(file)).mode & 0o077) !== 0;
}

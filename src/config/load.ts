import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import type { z } from "zod";
import { errConfigFile, errInvalidConfiguration } from "./errors.ts";
import { type ConfigKey, envPrefix } from "./keys.ts";
import type { ConfigModel } from "./model.ts";
import type { Config } from "./schema.ts";

/** Where a configuration value came from, for error messages and `lorastack config`. */
export type ConfigSource =
  | "default"
  | `file ${string}`
  | `environment ${string}`
  | `flag ${string}`;

export interface LoadConfigOptions {
  /** `--config FILE`; when absent, `./lorastack.yml` is read if it exists. */
  configFile?: string | undefined;
  /** Environment variables (normally `process.env`). */
  env?: Record<string, string | undefined>;
  /** Values from command-line flags, by dotted key path. */
  flags?: Record<string, string>;
  /** Folder that relative defaults such as `./lorastack.yml` resolve against. */
  cwd?: string;
}

export interface LoadedConfig {
  config: Config;
  /** The file that was read, if any. */
  file: string | undefined;
  /** For each key path that did not keep its default, where its value came from. */
  sources: Map<string, ConfigSource>;
  /** Things worth telling the operator that do not stop the program. */
  warnings: string[];
}

/**
 * Loads the configuration of `model`: defaults ← YAML file ← `LORASTACK_*` environment ← flags.
 * Throws `config:invalid_configuration` naming every bad key, its value, its source and what
 * was expected, or `config:config_file` when the file cannot be read.
 */
export function loadConfig(model: ConfigModel, options: LoadConfigOptions = {}): LoadedConfig {
  const keysByPath = new Map(model.keys.map((key) => [key.path, key]));
  const keysByEnv = new Map(model.keys.map((key) => [key.env, key]));
  const cwd = options.cwd ?? process.cwd();
  const sources = new Map<string, ConfigSource>();
  const warnings: string[] = [];
  const raw: Record<string, unknown> = {};

  const file = options.configFile
    ? resolve(cwd, options.configFile)
    : existsSync(resolve(cwd, "lorastack.yml"))
      ? resolve(cwd, "lorastack.yml")
      : undefined;
  if (file) {
    const fromFile = readConfigFile(file);
    mergeInto(raw, fromFile);
    for (const path of leafPaths(fromFile)) sources.set(path, `file ${file}`);
  }

  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (!name.startsWith(envPrefix) || value === undefined) continue;
    const key = keysByEnv.get(name);
    if (!key) {
      warnings.push(`ignoring unknown environment variable ${name}`);
      continue;
    }
    setPath(raw, key.path, value);
    sources.set(key.path, `environment ${name}`);
  }

  for (const [path, value] of Object.entries(options.flags ?? {})) {
    const key = keysByPath.get(path);
    if (!key) throw errInvalidConfiguration.create({ details: `unknown key ${path}` });
    setPath(raw, path, value);
    sources.set(path, `flag ${key.flag}`);
  }

  const result = model.schema.safeParse(raw);
  if (!result.success) {
    const details = result.error.issues.map((issue) =>
      describeIssue(issue, raw, sources, model.keys),
    );
    throw errInvalidConfiguration.create({ details: details.join("; ") });
  }
  // The root schema holds the shared sections, so its output is at least a Config.
  return { config: result.data as Config, file, sources, warnings };
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw errConfigFile.create(
      { file, reason: (error as NodeJS.ErrnoException).code ?? "unreadable" },
      error,
    );
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    const reason = error instanceof YAMLParseError ? error.message.split("\n")[0] : "not YAML";
    throw errConfigFile.create({ file, reason }, error);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    throw errConfigFile.create({
      file,
      reason: "expected a mapping of configuration keys at the top",
    });
  }
  return parsed as Record<string, unknown>;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  raw: Record<string, unknown>,
  sources: Map<string, ConfigSource>,
  keys: readonly ConfigKey[],
): string {
  const path = issue.path.join(".");
  if (issue.code === "unrecognized_keys") {
    const where = path ? `${path}.` : "";
    const hint = knownKeysHint(path, keys);
    return issue.keys.map((key) => `unknown key ${where}${key}${hint}`).join("; ");
  }
  const value = getPath(raw, path);
  const source = sources.get(path);
  const shown = value === undefined ? "(missing)" : JSON.stringify(value);
  return `${path || "(root)"} = ${shown}${source ? ` (from ${source})` : ""}: ${issue.message}`;
}

function knownKeysHint(sectionPath: string, keys: readonly ConfigKey[]): string {
  const prefix = sectionPath ? `${sectionPath}.` : "";
  const names = new Set(
    keys
      .filter((key) => key.path.startsWith(prefix))
      .map((key) => key.path.slice(prefix.length).split(".")[0]),
  );
  return ` (known: ${[...names].join(", ")})`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isPlainObject(value) && isPlainObject(existing)) mergeInto(existing, value);
    else target[key] = isPlainObject(value) ? structuredClone(value) : value;
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(node[part])) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1) as string] = value;
}

function getPath(target: Record<string, unknown>, path: string): unknown {
  if (path === "") return undefined;
  let node: unknown = target;
  for (const part of path.split(".")) {
    if (!isPlainObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

function leafPaths(object: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(object).flatMap(([key, value]) =>
    isPlainObject(value) ? leafPaths(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

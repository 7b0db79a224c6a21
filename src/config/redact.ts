import type { Redactor } from "./section.ts";

/** A copy of the configuration that is safe to print: every secret leaf redacted. */
export function redactConfig(
  config: object,
  secrets: Readonly<Record<string, Redactor>>,
): Record<string, unknown> {
  const copy = structuredClone(config) as Record<string, unknown>;
  for (const [path, redact] of Object.entries(secrets)) {
    const parts = path.split(".");
    let node = copy;
    for (const part of parts.slice(0, -1)) node = (node[part] ?? {}) as Record<string, unknown>;
    const leaf = parts.at(-1) as string;
    const value = node[leaf];
    if (typeof value === "string" && value !== "") node[leaf] = redact(value);
    else if (Array.isArray(value) && value.length > 0)
      node[leaf] = value.map((item) => redact(String(item)));
    else if (typeof value === "object" && value !== null) {
      // A map of secrets (key_vault.keys): names stay, values are redacted.
      node[leaf] = Object.fromEntries(
        Object.entries(value).map(([name, item]) => [name, redact(String(item))]),
      );
    }
  }
  return copy;
}

import { z } from "zod";
import { collectConfigKeys } from "./keys.ts";
import type { ConfigModel } from "./model.ts";
import type { ConfigSection, Redactor } from "./section.ts";

/** A section and who declared it, for the error when two parts declare the same key. */
export interface ConfigPart {
  /** Who declares the section, e.g. `shared` or `is` (a component's name). */
  owner: string;
  section: ConfigSection;
}

/**
 * The root configuration of a program, composed from its parts in order (shared sections
 * first, then each component's). Two parts declaring the same top-level key is a programming
 * mistake and throws at start-up, naming both.
 */
export function composeConfig(parts: readonly ConfigPart[]): ConfigModel {
  const shape: Record<string, z.core.$ZodType> = {};
  const ownerOf = new Map<string, string>();
  const secrets: Record<string, Redactor> = {};
  for (const { owner, section } of parts) {
    for (const [key, schema] of Object.entries(section.shape)) {
      const other = ownerOf.get(key);
      if (other !== undefined)
        throw new Error(`configuration key ${key} is declared by both ${other} and ${owner}`);
      ownerOf.set(key, owner);
      shape[key] = schema;
    }
    Object.assign(secrets, section.secrets);
  }
  const schema = z.strictObject(shape);
  return { schema, keys: collectConfigKeys(schema), secrets };
}

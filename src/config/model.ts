import type { z } from "zod";
import type { ConfigKey } from "./keys.ts";
import type { Redactor } from "./section.ts";

/** A program's configuration: the root schema, its keys, and its secret leaves. */
export interface ConfigModel {
  readonly schema: z.ZodObject;
  /** Every leaf key in schema order (environment variable, flag, default, description). */
  readonly keys: readonly ConfigKey[];
  /** Dotted paths of secret leaves, with how to print them. */
  readonly secrets: Readonly<Record<string, Redactor>>;
}

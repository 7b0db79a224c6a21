import { z } from "zod";
import type { ConfigSection, SectionValues } from "../config/index.ts";

/** A KEK label: what a stored secret names its key by. */
export const labelPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const label = z.string().regex(labelPattern, {
  message:
    "a key label is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit",
});
const hexKey = z.string().regex(/^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{48}|[0-9a-fA-F]{64})$/, {
  message: "a key encryption key is an AES key of 16, 24 or 32 bytes written as hexadecimal",
});

/** `label:hex,label:hex` (environment, flags) or a list of `label:hex` into a record. */
function pairs(items: string[], ctx: z.RefinementCtx): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const item of items) {
    const colon = item.indexOf(":");
    if (colon < 0) {
      ctx.addIssue({ code: "custom", message: 'expected "label:hex" pairs' });
      return z.NEVER;
    }
    keys[item.slice(0, colon).trim()] = item.slice(colon + 1).trim();
  }
  return keys;
}

/** A leaf naming a KEK of the key vault by label; empty (the default): the vault's default. */
export function kekLabel(description: string) {
  return z
    .union([z.literal(""), label])
    .default("")
    .describe(description);
}

/** The key vault's configuration: `key_vault.*`. */
export const keyVaultConfig = {
  shape: {
    key_vault: z
      .strictObject({
        keys: z
          .union([
            z.record(z.string(), z.string()),
            z.array(z.string()).transform(pairs),
            z.string().transform((text, ctx) => pairs(text.split(",").filter(Boolean), ctx)),
          ])
          .pipe(z.record(label, hexKey))
          .default({})
          .describe(
            "key encryption keys by label (label: hex AES key; from the environment label:hex,...); default one made in <data_dir>/key-vault.json",
          ),
        default_label: z
          .union([z.literal(""), label])
          .default("")
          .describe("the key that encrypts new secrets; default the first of key_vault.keys"),
      })
      .prefault({}),
  },
  secrets: { "key_vault.keys": () => "***" },
} satisfies ConfigSection;

/** The validated `key_vault` section. */
export type KeyVaultConfig = SectionValues<typeof keyVaultConfig>;

import { z } from "zod";
import {
  boolean,
  type Config,
  type ConfigSection,
  duration,
  parseListenAddress,
  type SectionValues,
} from "../config/index.ts";
import { emailConfigSecrets, emailConfigShape } from "./email/config.ts";
import { userFeatureConfigShape } from "./user-settings.ts";

/** A count leaf (requests per minute, a cap); text from the environment is accepted. */
function count(defaultValue: number, description: string) {
  return z
    .union([z.number(), z.string().regex(/^\d+$/, "expected a whole number").transform(Number)])
    .pipe(z.number().int().nonnegative())
    .default(defaultValue)
    .describe(description);
}

/** An IEEE address block with its prefix length: `70B3D57ED0000000/36`. */
const euiPrefix = z
  .string()
  .regex(/^[0-9A-Fa-f]{16}\/(?:[0-9]|[1-5][0-9]|6[0-4])$/, {
    message:
      'expected 16 hex digits, "/" and a prefix length of 0 to 64, such as "70B3D57ED0000000/36"',
  })
  .describe("the address block: an EUI-64 prefix and its length in bits");

/**
 * The Identity Server's configuration keys: `oauth.*`, `dev_eui_block.*`, `first_start.*`, `email.*`
 * (email/config.ts), `login_tokens.*` and `user_registration.*` (user-settings.ts).
 */
export const identityServerConfig = {
  shape: {
    oauth: z
      .strictObject({
        issuer: z
          .string()
          .refine((value) => value === "" || /^https?:\/\/[^/?#]+\/[^?#]*$/.test(value), {
            message:
              'expected "" or an http(s) URL with a path, such as "https://lns.example.com/oauth"',
          })
          .default("")
          .describe("public URL of the OAuth server; default http://localhost:<http port>/oauth"),
        cookie_keys: z
          .union([
            z.array(z.string()),
            z.string().transform((text) => text.split(",").filter(Boolean)),
          ])
          .pipe(z.array(z.string().min(16, "each cookie key needs at least 16 characters")))
          .default([])
          .describe(
            "keys that sign OAuth session cookies (comma-separated); default one kept in the database",
          ),
        limits: z
          .strictObject({
            login_per_address: count(
              10,
              "sign-in attempts per minute from one client address (IPv6: one /64); 0: no limit",
            ),
            login_per_account: count(
              10,
              "sign-in attempts per minute for one account from browsers not signed in to it before; 0: no limit",
            ),
            token_per_address: count(
              60,
              "token and revocation requests per minute from one client address; 0: no limit",
            ),
            token_per_client: count(
              600,
              "client secret checks per minute for one OAuth client; 0: no limit",
            ),
            authorize_per_address: count(
              60,
              "authorization requests per minute from one client address; 0: no limit",
            ),
            interactions_per_address: count(
              20,
              "sign-ins under way kept per client address (the oldest dropped first)",
            ),
            interactions_max: count(
              10_000,
              "sign-ins under way kept in all (the oldest dropped first)",
            ),
          })
          .prefault({}),
        sweep_interval: duration(
          "5m",
          "how often expired OAuth sessions, interactions, grants, codes and tokens are deleted",
        ),
      })
      .prefault({}),
    dev_eui_block: z
      .strictObject({
        enabled: boolean(
          false,
          "issue DevEUIs from an IEEE address block (POST /applications/{id}/dev-eui)",
        ),
        prefix: euiPrefix.default("0000000000000000/0"),
        application_limit: count(0, "DevEUIs issued to one application at most; 0: no limit"),
        init_counter: count(
          0,
          "where in the block issuing starts (0: its first address), for a block not used before",
        ),
      })
      .prefault({}),
    first_start: z
      .strictObject({
        enabled: boolean(
          true,
          "on a database without users: create the admin user \"admin\" with a random password (printed once on stderr) and the Console's and CLI's OAuth clients",
        ),
      })
      .prefault({}),
    ...emailConfigShape,
    ...userFeatureConfigShape,
  },
  secrets: { "oauth.cookie_keys": () => "***", ...emailConfigSecrets },
} satisfies ConfigSection;

/** The Identity Server's validated section. */
export type IdentityServerConfig = SectionValues<typeof identityServerConfig>;

/** `oauth.issuer`, or `http://localhost:<http port>/oauth` for a stack on its defaults. */
export function oauthIssuer(section: IdentityServerConfig, http: Config["http"]): string {
  if (section.oauth.issuer) return section.oauth.issuer;
  const port = parseListenAddress(http.listen)?.port || 1885;
  return `http://localhost:${port}/oauth`;
}

/** The configured DevEUI block, or `undefined` when issuing is off (`dev_eui_block.enabled`). */
export function devEuiBlock(
  section: IdentityServerConfig,
): { prefix: string; length: number; initCounter: number; applicationLimit: number } | undefined {
  const block = section.dev_eui_block;
  if (!block.enabled) return undefined;
  const [prefix = "", length = "0"] = block.prefix.split("/");
  return {
    prefix: prefix.toUpperCase(),
    length: Number(length),
    initCounter: block.init_counter,
    applicationLimit: block.application_limit,
  };
}

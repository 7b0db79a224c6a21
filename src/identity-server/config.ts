import { z } from "zod";
import {
  type Config,
  type ConfigSection,
  parseListenAddress,
  type SectionValues,
} from "../config/index.ts";

/** The Identity Server's configuration keys: `oauth.*`. */
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
      })
      .prefault({}),
  },
  secrets: { "oauth.cookie_keys": () => "***" },
} satisfies ConfigSection;

/** The Identity Server's validated section. */
export type IdentityServerConfig = SectionValues<typeof identityServerConfig>;

/** `oauth.issuer`, or `http://localhost:<http port>/oauth` for a stack on its defaults. */
export function oauthIssuer(section: IdentityServerConfig, http: Config["http"]): string {
  if (section.oauth.issuer) return section.oauth.issuer;
  const port = parseListenAddress(http.listen)?.port || 1885;
  return `http://localhost:${port}/oauth`;
}

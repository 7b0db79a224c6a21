import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Component, ComponentContext } from "../components/index.ts";
import { readSection } from "../config/index.ts";
import { identityServerConfig, oauthIssuer } from "../identity-server/config.ts";
import { type ConsoleConfig, consoleDir } from "./config.ts";
import { registerStaticSite } from "./static-site.ts";

/**
 * The Console (`console`): the web interface built from console/ into dist/console, served at
 * `/console/` on the HTTP port. It signs users in with the Identity Server's OAuth server
 * (the issuer is written into its page).
 */
export function createConsole(context: ComponentContext<ConsoleConfig>): Component {
  const dir = consoleDir(context.section);
  const issuer = oauthIssuer(
    readSection(identityServerConfig, context.config),
    context.config.http,
  );
  registerStaticSite(context.http, { dir, issuer });
  let ready = false;
  return {
    async start() {
      if (!existsSync(join(dir, "index.html"))) {
        context.logger.error(
          { dir },
          "the Console is not built: run `npm run build:console`; /console answers 503 until then",
        );
      }
      ready = true;
    },
    isReady: () => ready,
    async stop() {
      ready = false;
    },
  };
}

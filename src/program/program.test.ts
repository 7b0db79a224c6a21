import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { loadConfig, readSection } from "../config/index.ts";
import { identityServerConfig } from "../identity-server/config.ts";
import { componentCatalog } from "./catalog.ts";
import { programConfig } from "./config.ts";

describe("programConfig", () => {
  it("has the shared keys, the frequency plan keys and every component's keys", () => {
    const keys = new Map(programConfig.keys.map((key) => [key.path, key]));
    for (const path of ["http.listen", "database.uri", "shutdown_timeout"])
      assert.ok(keys.has(path));
    assert.deepEqual(
      [
        keys.get("frequency_plans.directory")?.env,
        keys.get("frequency_plans.replace_builtin")?.env,
      ],
      ["LORASTACK_FREQUENCY_PLANS_DIRECTORY", "LORASTACK_FREQUENCY_PLANS_REPLACE_BUILTIN"],
    );
    // The Identity Server's keys keep the names and variables they had in the shared schema.
    assert.deepEqual(
      [keys.get("oauth.issuer")?.env, keys.get("oauth.cookie_keys")?.flag],
      ["LORASTACK_OAUTH_ISSUER", "--oauth.cookie-keys"],
    );
    for (const definition of componentCatalog) {
      for (const section of Object.keys(definition.config?.shape ?? {})) {
        assert.ok(
          programConfig.keys.some((key) => key.path.startsWith(`${section}.`)),
          `${definition.name}'s section ${section} is in the program's configuration`,
        );
      }
    }
    assert.equal(programConfig.secrets["oauth.cookie_keys"]?.("x"), "***");
  });

  it("loads a component's section from the environment", () => {
    const { config } = loadConfig(programConfig, {
      cwd: fileURLToPath(new URL(".", import.meta.url)),
      env: { LORASTACK_OAUTH_ISSUER: "https://lns.example.com/oauth" },
    });
    assert.equal(
      readSection(identityServerConfig, config).oauth.issuer,
      "https://lns.example.com/oauth",
    );
  });
});

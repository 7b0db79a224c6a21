import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { composeConfig, loadConfig, readSection } from "../../config/index.ts";
import { identityServerConfig } from "../config.ts";
import { defaultOAuthLimits, limitsFromSettings } from "./limits/index.ts";
import { defaultSweepIntervalMs } from "./setup.ts";

// The `oauth.limits.*` and `oauth.sweep_interval` keys of the Identity Server's section.
describe("OAuth limit configuration", () => {
  const model = composeConfig([{ owner: "is", section: identityServerConfig }]);
  let folder: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-oauth-config-"));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });
  const load = (env: Record<string, string>) =>
    readSection(identityServerConfig, loadConfig(model, { cwd: folder, env }).config).oauth;

  it("defaults to the documented limits", () => {
    const oauth = load({});
    assert.deepEqual(limitsFromSettings(oauth.limits), defaultOAuthLimits);
    assert.equal(oauth.sweep_interval, defaultSweepIntervalMs);
  });

  it("reads counts and the interval from the environment; 0 turns a limit off", () => {
    const oauth = load({
      LORASTACK_OAUTH_LIMITS_LOGIN_PER_ADDRESS: "0",
      LORASTACK_OAUTH_LIMITS_INTERACTIONS_MAX: "500",
      LORASTACK_OAUTH_SWEEP_INTERVAL: "30s",
    });
    const limits = limitsFromSettings(oauth.limits);
    assert.equal(limits.rates.loginPerAddress, undefined);
    assert.equal(limits.interactionsMax, 500);
    assert.equal(oauth.sweep_interval, 30_000);
  });

  it("refuses a count that is not a whole number", () => {
    for (const value of ["-1", "1.5", "ten"])
      assert.throws(
        () => load({ LORASTACK_OAUTH_LIMITS_TOKEN_PER_CLIENT: value }),
        /oauth\.limits\.token_per_client/,
        value,
      );
  });
});

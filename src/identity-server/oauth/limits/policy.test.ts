import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultOAuthLimits, limitsFromSettings } from "./policy.ts";

describe("limitsFromSettings", () => {
  it("makes per-minute rates of the settings, 0 meaning no limit", () => {
    const limits = limitsFromSettings({
      login_per_address: 5,
      login_per_account: 0,
      token_per_address: 60,
      token_per_client: 600,
      authorize_per_address: 30,
      interactions_per_address: 7,
      interactions_max: 70,
    });
    assert.deepEqual(limits.rates.loginPerAddress, { perMinute: 5, burst: 5 });
    assert.equal(limits.rates.loginPerAccount, undefined);
    assert.deepEqual(limits.rates.authorizePerAddress, { perMinute: 30, burst: 30 });
    assert.equal(limits.interactionsPerAddress, 7);
    assert.equal(limits.interactionsMax, 70);
    assert.deepEqual(limits.accountLockout, defaultOAuthLimits.accountLockout);
  });
});

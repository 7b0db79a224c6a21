import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rightDefinitions } from "./table.ts";

// Enum numbers as listed in The Things Stack's API reference (`enum Right`), spot-checked
// across every kind and across the later additions that broke the numbering order.
const referenceNumbers: Record<string, number> = {
  RIGHT_USER_INFO: 1,
  RIGHT_USER_ORGANIZATIONS_CREATE: 13,
  RIGHT_USER_ALL: 14,
  RIGHT_USER_NOTIFICATIONS_READ: 59,
  RIGHT_APPLICATION_INFO: 15,
  RIGHT_APPLICATION_SETTINGS_PACKAGES: 56,
  RIGHT_APPLICATION_DEVICES_READ_KEYS: 22,
  RIGHT_APPLICATION_LINK: 27,
  RIGHT_APPLICATION_ALL: 28,
  RIGHT_CLIENT_ALL: 29,
  RIGHT_CLIENT_INFO: 60,
  RIGHT_CLIENT_DELETE: 63,
  RIGHT_GATEWAY_INFO: 30,
  RIGHT_GATEWAY_LOCATION_READ: 39,
  RIGHT_GATEWAY_WRITE_SECRETS: 57,
  RIGHT_GATEWAY_READ_SECRETS: 58,
  RIGHT_GATEWAY_ALL: 40,
  RIGHT_ORGANIZATION_INFO: 41,
  RIGHT_ORGANIZATION_ADD_AS_COLLABORATOR: 52,
  RIGHT_ORGANIZATION_ALL: 53,
  RIGHT_SEND_INVITES: 54,
  RIGHT_ALL: 55,
};

describe("rights table", () => {
  it("holds every enum number from 1 to 63 exactly once", () => {
    const numbers = rightDefinitions.map((r) => r.number).sort((a, b) => a - b);
    assert.deepEqual(
      numbers,
      Array.from({ length: 63 }, (_, i) => i + 1),
    );
    assert.equal(new Set(rightDefinitions.map((r) => r.name)).size, 63);
  });

  it("matches the API reference numbers", () => {
    for (const [name, number] of Object.entries(referenceNumbers)) {
      assert.equal(rightDefinitions.find((r) => r.name === name)?.number, number, name);
    }
  });

  it("derives kind from the name prefix and pseudo from the _ALL suffix", () => {
    for (const r of rightDefinitions) {
      assert.equal(r.pseudo, r.name.endsWith("_ALL"), r.name);
      const prefix = /^RIGHT_(USER|APPLICATION|GATEWAY|ORGANIZATION|CLIENT)_/.exec(r.name)?.[1];
      assert.equal(r.kind, prefix === undefined ? "universal" : prefix.toLowerCase(), r.name);
    }
  });

  it("has one pseudo-right per kind", () => {
    const pseudo = rightDefinitions.filter((r) => r.pseudo).map((r) => r.kind);
    assert.deepEqual(pseudo.sort(), [
      "application",
      "client",
      "gateway",
      "organization",
      "universal",
      "user",
    ]);
  });

  it("only implies rights of the same kind that exist", () => {
    for (const r of rightDefinitions) {
      for (const implied of r.implies ?? []) {
        const target = rightDefinitions.find((o) => o.name === implied);
        assert.ok(target, implied);
        assert.equal(target.kind, r.kind);
      }
    }
  });
});

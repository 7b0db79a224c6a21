import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  adminRights,
  allRights,
  errInsufficientRights,
  errUnknownRight,
  expandRights,
  impliedRights,
  intersectRights,
  isRightName,
  isSubset,
  missingRights,
  parseRight,
  parseRights,
  potentialRights,
  type RightName,
  requireRights,
  rightByNumber,
  rightsOfKind,
  sortRights,
} from "./index.ts";

const rightsArb = fc.uniqueArray(fc.constantFrom(...allRights), { maxLength: 8 });

describe("rights", () => {
  it("lists the rights of a kind with or without its pseudo-right", () => {
    const gateway = rightsOfKind("gateway");
    assert.equal(gateway.length, 13);
    assert.ok(gateway.includes("RIGHT_GATEWAY_ALL"));
    assert.ok(!rightsOfKind("gateway", { pseudo: false }).includes("RIGHT_GATEWAY_ALL"));
    assert.deepEqual(rightsOfKind("universal"), ["RIGHT_SEND_INVITES", "RIGHT_ALL"]);
    assert.deepEqual(rightsOfKind("client", { pseudo: false }), [
      "RIGHT_CLIENT_INFO",
      "RIGHT_CLIENT_SETTINGS_BASIC",
      "RIGHT_CLIENT_SETTINGS_COLLABORATORS",
      "RIGHT_CLIENT_DELETE",
    ]);
  });

  it("expands a pseudo-right to its kind only", () => {
    assert.deepEqual(
      sortRights(expandRights(["RIGHT_APPLICATION_ALL"])),
      sortRights(rightsOfKind("application")),
    );
    const org = expandRights(["RIGHT_ORGANIZATION_ALL"]);
    assert.ok(org.has("RIGHT_ORGANIZATION_SETTINGS_MEMBERS"));
    assert.ok(!org.has("RIGHT_APPLICATION_INFO"));
    assert.ok(!expandRights(["RIGHT_USER_ALL"]).has("RIGHT_SEND_INVITES"));
  });

  it("expands RIGHT_ALL to every right", () => {
    assert.equal(expandRights(["RIGHT_ALL"]).size, 63);
  });

  it("expands the link rights", () => {
    assert.deepEqual(sortRights(expandRights(["RIGHT_APPLICATION_LINK"])), [
      "RIGHT_APPLICATION_INFO",
      "RIGHT_APPLICATION_LINK",
      "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE",
      "RIGHT_APPLICATION_TRAFFIC_READ",
    ]);
    assert.deepEqual(sortRights(impliedRights("RIGHT_GATEWAY_LINK")), [
      "RIGHT_GATEWAY_INFO",
      "RIGHT_GATEWAY_LINK",
    ]);
    assert.deepEqual([...expandRights(["RIGHT_APPLICATION_INFO"])], ["RIGHT_APPLICATION_INFO"]);
  });

  it("intersects after expanding", () => {
    assert.deepEqual(
      sortRights(intersectRights(["RIGHT_APPLICATION_ALL"], ["RIGHT_APPLICATION_INFO"])),
      ["RIGHT_APPLICATION_INFO"],
    );
    assert.deepEqual(
      sortRights(intersectRights(["RIGHT_APPLICATION_LINK"], ["RIGHT_APPLICATION_TRAFFIC_READ"])),
      ["RIGHT_APPLICATION_TRAFFIC_READ"],
    );
    assert.equal(intersectRights(["RIGHT_GATEWAY_ALL"], ["RIGHT_APPLICATION_ALL"]).size, 0);
  });

  it("keeps a key's rights within its owner's", () => {
    assert.ok(isSubset(["RIGHT_APPLICATION_INFO"], ["RIGHT_APPLICATION_ALL"]));
    assert.ok(isSubset(["RIGHT_APPLICATION_ALL"], ["RIGHT_ALL"]));
    assert.ok(isSubset([], []));
    assert.ok(!isSubset(["RIGHT_APPLICATION_DEVICES_WRITE"], ["RIGHT_APPLICATION_DEVICES_READ"]));
    // Every application right one by one is still not RIGHT_APPLICATION_ALL: that also
    // covers rights added later.
    assert.ok(!isSubset(["RIGHT_APPLICATION_ALL"], rightsOfKind("application", { pseudo: false })));
    assert.deepEqual(missingRights(["RIGHT_APPLICATION_LINK"], ["RIGHT_APPLICATION_INFO"]), [
      "RIGHT_APPLICATION_LINK",
      "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE",
      "RIGHT_APPLICATION_TRAFFIC_READ",
    ]);
  });

  it("throws insufficient_rights naming what is missing", () => {
    requireRights(["RIGHT_ALL"], ["RIGHT_GATEWAY_LINK"]);
    assert.throws(
      () => requireRights(["RIGHT_GATEWAY_INFO"], ["RIGHT_GATEWAY_LINK"]),
      (err) =>
        errInsufficientRights.matches(err) &&
        err.code === "permission_denied" &&
        JSON.stringify(err.attributes.missing) === '["RIGHT_GATEWAY_LINK"]',
    );
  });

  it("gives organizations the rights of the entities they collaborate on", () => {
    const org = potentialRights("organization");
    for (const r of ["RIGHT_APPLICATION_ALL", "RIGHT_GATEWAY_LINK", "RIGHT_CLIENT_INFO"] as const) {
      assert.ok(org.has(r), r);
    }
    assert.ok(!org.has("RIGHT_USER_INFO"));
    assert.ok(!org.has("RIGHT_SEND_INVITES"));
    assert.ok(potentialRights("user").has("RIGHT_ORGANIZATION_ALL"));
    assert.ok(!potentialRights("user").has("RIGHT_ALL"));
    assert.deepEqual(sortRights(potentialRights("gateway")), sortRights(rightsOfKind("gateway")));
  });

  it("keeps keys and pseudo-rights out of admin rights", () => {
    assert.ok(adminRights.includes("RIGHT_APPLICATION_DEVICES_WRITE"));
    assert.ok(adminRights.includes("RIGHT_SEND_INVITES"));
    for (const r of adminRights) assert.ok(!/_(KEYS|ALL)$/.test(r), r);
    assert.ok(!adminRights.includes("RIGHT_APPLICATION_DEVICES_READ_KEYS"));
  });

  it("parses names, prefix-less names and numbers", () => {
    assert.equal(parseRight("RIGHT_APPLICATION_INFO"), "RIGHT_APPLICATION_INFO");
    assert.equal(parseRight("APPLICATION_INFO"), "RIGHT_APPLICATION_INFO");
    assert.equal(parseRight(55), "RIGHT_ALL");
    assert.equal(rightByNumber(22)?.name, "RIGHT_APPLICATION_DEVICES_READ_KEYS");
    assert.equal(rightByNumber(64), undefined);
    assert.deepEqual(parseRights(["APPLICATION_INFO", 15, "RIGHT_ALL"]), [
      "RIGHT_ALL",
      "RIGHT_APPLICATION_INFO",
    ]);
    assert.ok(isRightName("RIGHT_SEND_INVITES"));
    assert.ok(!isRightName("SEND_INVITES"));
  });

  it("rejects unknown rights with a typed error", () => {
    for (const bad of ["right_invalid", "RIGHT_FOO", "right_application_info", "", 0, 64, 1.5]) {
      assert.throws(
        () => parseRight(bad),
        (err) => errUnknownRight.matches(err) && err.code === "invalid_argument",
        String(bad),
      );
    }
  });

  it("expansion is idempotent, monotone and a superset", () => {
    fc.assert(
      fc.property(rightsArb, rightsArb, (a, b) => {
        const ea = expandRights(a);
        assert.deepEqual(sortRights(expandRights(ea)), sortRights(ea));
        for (const r of a) assert.ok(ea.has(r));
        const eab = expandRights([...a, ...b]);
        for (const r of ea) assert.ok(eab.has(r));
      }),
    );
  });

  it("an intersection is within both sides and closed under implication", () => {
    fc.assert(
      fc.property(rightsArb, rightsArb, (a, b) => {
        const both: RightName[] = [...intersectRights(a, b)];
        assert.ok(isSubset(both, a));
        assert.ok(isSubset(both, b));
        assert.equal(expandRights(both).size, both.length);
        assert.equal(isSubset(a, b), missingRights(a, b).length === 0);
      }),
    );
  });
});

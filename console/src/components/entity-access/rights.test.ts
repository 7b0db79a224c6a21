/// <reference types="node" />
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { groupRights, pseudoRightsFor, rightLabel, rightNames, summarizeRights } from "./rights.ts";

describe("entity access rights", () => {
  const gatewayOwner = [
    "RIGHT_GATEWAY_ALL",
    "RIGHT_GATEWAY_INFO",
    "RIGHT_GATEWAY_SETTINGS_API_KEYS",
    "RIGHT_GATEWAY_LINK",
  ];

  it("labels rights without their kind prefix", () => {
    assert.equal(rightLabel("RIGHT_GATEWAY_SETTINGS_API_KEYS"), "Settings API keys");
    assert.equal(rightLabel("RIGHT_APPLICATION_DEVICES_READ_KEYS"), "Devices read keys");
    assert.equal(rightLabel("RIGHT_SEND_INVITES"), "Send invites");
    assert.equal(rightLabel("RIGHT_ORGANIZATION_ADD_AS_COLLABORATOR"), "Add as collaborator");
  });

  it("groups only the individual rights the entity can hold", () => {
    const groups = groupRights([...gatewayOwner, "RIGHT_APPLICATION_INFO"], "gateways");
    assert.equal(groups.length, 1);
    assert.equal(groups[0]?.kind, "GATEWAY");
    assert.deepEqual(
      groups[0]?.rights.map((r) => r.name),
      ["RIGHT_GATEWAY_INFO", "RIGHT_GATEWAY_LINK", "RIGHT_GATEWAY_SETTINGS_API_KEYS"],
    );
  });

  it("puts the entity's own kind first for organizations", () => {
    const groups = groupRights(
      ["RIGHT_APPLICATION_INFO", "RIGHT_ORGANIZATION_INFO", "RIGHT_USER_INFO"],
      "organizations",
    );
    assert.deepEqual(
      groups.map((g) => g.kind),
      ["ORGANIZATION", "APPLICATION"],
    );
  });

  it("offers the pseudo-rights the caller holds as 'all'", () => {
    assert.deepEqual(pseudoRightsFor(gatewayOwner, "gateways"), ["RIGHT_GATEWAY_ALL"]);
    assert.deepEqual(pseudoRightsFor(["RIGHT_GATEWAY_INFO"], "gateways"), []);
    assert.deepEqual(
      pseudoRightsFor(["RIGHT_ALL", "RIGHT_APPLICATION_ALL", "RIGHT_USER_ALL"], "users"),
      ["RIGHT_USER_ALL", "RIGHT_APPLICATION_ALL"],
    );
  });

  it("summarizes rights for tables", () => {
    assert.equal(summarizeRights(["RIGHT_GATEWAY_ALL"]), "All gateway rights");
    assert.equal(summarizeRights(["RIGHT_GATEWAY_INFO"]), "1 right");
    assert.equal(
      summarizeRights(["RIGHT_GATEWAY_ALL", "RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_LINK"]),
      "All gateway rights + 2 rights",
    );
    assert.equal(summarizeRights(["RIGHT_ALL"]), "All rights");
  });

  it("drops what is not a right name", () => {
    assert.deepEqual(rightNames(["RIGHT_GATEWAY_INFO", 3, null, "<script>"]), [
      "RIGHT_GATEWAY_INFO",
    ]);
    assert.deepEqual(rightNames({ rights: [] }), []);
  });
});

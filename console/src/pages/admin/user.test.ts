/// <reference types="node" />
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { emailError, stateColor, stateLabel, stateName } from "./user.ts";

describe("admin user helpers", () => {
  it("reads states by name, by number and absent", () => {
    assert.equal(stateName("STATE_SUSPENDED"), "STATE_SUSPENDED");
    assert.equal(stateName(1), "STATE_APPROVED");
    assert.equal(stateName(undefined), "STATE_REQUESTED");
    assert.equal(stateName("nonsense"), "STATE_REQUESTED");
    assert.equal(stateLabel("STATE_REJECTED"), "Rejected");
    assert.equal(stateColor("STATE_APPROVED"), "green");
    assert.equal(stateColor(4), "red");
  });

  it("checks e-mail addresses loosely", () => {
    assert.equal(emailError("admin@example.com"), null);
    assert.equal(emailError("admin@localhost"), null);
    assert.notEqual(emailError("admin@"), null);
    assert.notEqual(emailError("a b@example.com"), null);
  });
});

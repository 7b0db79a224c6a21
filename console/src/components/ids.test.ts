import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { idError, idFromName } from "./ids.ts";

describe("application IDs (TTS's rule)", () => {
  it("accepts lowercase letters, digits and single inner hyphens, 3 to 36 characters", () => {
    for (const id of ["app", "my-app-1", "a1b", "x".repeat(36)])
      assert.equal(idError(id), null, id);
  });
  it("names what is wrong with an invalid ID", () => {
    assert.equal(idError(""), "Enter an ID");
    assert.equal(idError("ab"), "At least 3 characters");
    assert.match(idError("x".repeat(37)) ?? "", /At most 36/);
    assert.equal(idError("My-app"), "Lowercase letters only");
    assert.equal(idError("my_app"), "Only lowercase letters, digits and hyphens");
    assert.equal(idError("-app"), "Cannot start or end with a hyphen");
    assert.equal(idError("app-"), "Cannot start or end with a hyphen");
    assert.equal(idError("my--app"), "No two hyphens in a row");
  });
  it("suggests an ID from a name, or none when no valid one can be made", () => {
    assert.equal(idFromName("Smart Café — Floor 2"), "smart-cafe-floor-2");
    assert.equal(idFromName("ab"), "");
    assert.equal(idFromName("  "), "");
    assert.equal(idFromName(`${"a".repeat(35)} b`).length <= 36, true);
    assert.equal(idError(idFromName(`${"a".repeat(35)} b`)), null);
  });
});

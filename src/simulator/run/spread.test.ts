import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addressOf, spreadAddresses } from "./spread.ts";

describe("gateways spread over several addresses", () => {
  it("takes one address or several, trimmed", () => {
    assert.deepEqual(spreadAddresses("udp-address", "127.0.0.1:1700"), ["127.0.0.1:1700"]);
    assert.deepEqual(spreadAddresses("udp-address", "a:1, b:2 ,c:3"), ["a:1", "b:2", "c:3"]);
  });

  it("gives gateway i the address i mod n", () => {
    const addresses = ["a:1", "b:2", "c:3"];
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6].map((index) => addressOf(addresses, index)),
      ["a:1", "b:2", "c:3", "a:1", "b:2", "c:3", "a:1"],
    );
  });

  it("refuses empty entries with the flag's name", () => {
    for (const bad of ["", ",", "a:1,,b:2", "a:1, "]) {
      assert.throws(
        () => spreadAddresses("basic-station-url", bad),
        (error: Error) =>
          /--basic-station-url: expected one address or several/.test(error.message),
        bad,
      );
    }
  });
});

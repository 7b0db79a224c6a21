import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { errInvalidGatewayServerAddress } from "./errors.ts";
import { parseGatewayServerAddress } from "./server-address.ts";

describe("parseGatewayServerAddress", () => {
  const valid: [string, string, number][] = [
    ["lns.example.com", "lns.example.com", 1700],
    ["lns.example.com:1701", "lns.example.com", 1701],
    ["127.0.0.1:0", "127.0.0.1", 0],
    ["[::1]:1700", "::1", 1700],
    ["[::1]", "::1", 1700],
    ["fe80::1", "fe80::1", 1700],
  ];
  for (const [address, host, port] of valid) {
    it(`reads ${address}`, () => {
      assert.deepEqual(parseGatewayServerAddress(address), { host, port });
    });
  }

  for (const address of ["", ":1700", "host:", "host:65536", "host:x", "[]:1700", "a b:1", "h/x"]) {
    it(`refuses ${JSON.stringify(address)}`, () => {
      assert.throws(
        () => parseGatewayServerAddress(address),
        (error) => errInvalidGatewayServerAddress.matches(error),
      );
    });
  }

  it("answers random text with an address or its typed error, never anything else", () => {
    const alphabet = "ab.:[]1700 /\u0000é";
    for (let round = 0; round < 20_000; round++) {
      const bytes = randomBytes(1 + (round % 12));
      const text =
        round % 2 === 0
          ? bytes.toString("latin1")
          : [...bytes].map((byte) => alphabet[byte % alphabet.length]).join("");
      try {
        const { host, port } = parseGatewayServerAddress(text);
        assert.ok(host.length > 0 && Number.isInteger(port) && port >= 0 && port <= 65535);
      } catch (error) {
        assert.ok(errInvalidGatewayServerAddress.matches(error), String(error));
      }
    }
  });
});

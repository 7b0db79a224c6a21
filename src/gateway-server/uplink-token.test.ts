import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { decodeUplinkToken, encodeUplinkToken, type UplinkTokenFields } from "./uplink-token.ts";

describe("uplink token", () => {
  it("carries the gateway antenna and both clocks there and back", () => {
    const fields: UplinkTokenFields = {
      gatewayId: "gtw-1",
      eui: Uint8Array.from([0xaa, 0x55, 0x5a, 0, 0, 0, 1, 1]),
      antennaIndex: 1,
      timestamp: 0xfffffff0,
      concentratorTime: 0x1_fffffff0n,
      serverTimeMs: 1_700_000_000_123,
      gatewayTimeMs: 1_700_000_000_100,
    };
    assert.deepEqual(decodeUplinkToken(encodeUplinkToken(fields)), fields);
  });

  it("leaves out what the frontend does not know", () => {
    const token = decodeUplinkToken(
      encodeUplinkToken({ gatewayId: "g1x", antennaIndex: 0, timestamp: 5, serverTimeMs: 1000 }),
    );
    assert.deepEqual(token, {
      gatewayId: "g1x",
      eui: undefined,
      antennaIndex: 0,
      timestamp: 5,
      concentratorTime: undefined,
      serverTimeMs: 1000,
      gatewayTimeMs: undefined,
    });
  });

  it("refuses empty, oversized and foreign bytes", () => {
    assert.equal(decodeUplinkToken(new Uint8Array()), undefined);
    assert.equal(decodeUplinkToken(new Uint8Array(1000)), undefined);
    assert.equal(decodeUplinkToken(Uint8Array.from([0x0a, 0x00])), undefined);
  });

  it("never throws on random bytes", () => {
    for (let round = 0; round < 20_000; round++) {
      const bytes = randomBytes(round % 64);
      const token = decodeUplinkToken(bytes);
      if (token) assert.equal(typeof token.gatewayId, "string");
    }
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkRetransmission, sameFrame } from "./retransmission.ts";
import { buildUplink, hex, recentUplink } from "./testing.ts";

const T = Date.UTC(2026, 0, 1);
const devAddr = hex("26011234");
const key = hex("2b7e151628aed2a6abf7158809cf4f3c");
const up = buildUplink({ devAddr, fCnt: 9 }, { version: "1.0", nwkSKey: key });

function check(overrides: Partial<Parameters<typeof checkRetransmission>[0]>) {
  const result = checkRetransmission({
    frame: up.frame,
    fCnt: 9,
    recentUplinks: [recentUplink(up, T - 1_000, 9)],
    nbTrans: 3,
    limitConfirmedTransmissions: true,
    rx1DelaySeconds: 1,
    receivedAtMs: T,
    ...overrides,
  });
  return typeof result === "number" ? result : result.definition.name;
}

describe("checkRetransmission", () => {
  it("counts the transmissions of the same frame", () => {
    assert.equal(check({}), 2);
    assert.equal(
      check({ recentUplinks: [recentUplink(up, T - 2_000, 9), recentUplink(up, T - 1_000, 9)] }),
      3,
    );
  });
  it("stops at NbTrans", () => {
    assert.equal(check({ nbTrans: 1 }), "transmission_number_exceeds");
  });
  it("needs an earlier copy", () => {
    assert.equal(check({ recentUplinks: [] }), "f_cnt_repeated");
  });
  it("allows RX1 delay + 1 s + 10 s, not more", () => {
    assert.equal(
      check({ rx1DelaySeconds: 5, recentUplinks: [recentUplink(up, T - 16_000, 9)] }),
      2,
    );
    assert.equal(
      check({ rx1DelaySeconds: 5, recentUplinks: [recentUplink(up, T - 16_001, 9)] }),
      "retransmission_delay_exceeds",
    );
  });
});

describe("sameFrame", () => {
  it("compares every field but the MIC", () => {
    assert.ok(sameFrame(up.frame, recentUplink(up, T, 9)));
    const other = buildUplink({ devAddr, fCnt: 9, ack: true }, { version: "1.0", nwkSKey: key });
    assert.ok(!sameFrame(other.frame, recentUplink(up, T, 9)));
    const confirmed = buildUplink(
      { devAddr, fCnt: 9, confirmed: true },
      { version: "1.0", nwkSKey: key },
    );
    assert.ok(!sameFrame(confirmed.frame, recentUplink(up, T, 9)));
  });
});

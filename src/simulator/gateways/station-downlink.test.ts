import assert from "node:assert/strict";
import { it } from "node:test";
import { readDownlink } from "./station-downlink.ts";

const xtime = (0x65n << 48n) | 1_000_000n;
const base = {
  msgtype: "dnmsg",
  DevEui: "00-00-00-00-00-00-00-01",
  diid: 7,
  pdu: "60AABB",
  rctx: 0,
};

const cases: { name: string; message: Record<string, unknown>; expected: unknown }[] = [
  {
    name: "class A: RX1 after RxDelay, then RX2 a second later",
    message: {
      ...base,
      dC: 0,
      xtime,
      RxDelay: 0,
      RX1DR: 5,
      RX1Freq: 868100000,
      RX2DR: 0,
      RX2Freq: 869525000,
    },
    expected: [
      { dataRate: 5, frequency: 868100000, ticks: 2_000_000 },
      { dataRate: 0, frequency: 869525000, ticks: 3_000_000 },
    ],
  },
  {
    name: "absolute time (dnsched form): at xtime",
    message: { ...base, dC: 2, xtime, DR: 3, Freq: 869525000 },
    expected: [{ dataRate: 3, frequency: 869525000, ticks: 1_000_000 }],
  },
  {
    name: "class C without xtime: at once",
    message: { ...base, dC: 2, RX2DR: 0, RX2Freq: 869525000 },
    expected: [{ dataRate: 0, frequency: 869525000 }],
  },
  {
    name: "another session",
    message: { ...base, dC: 0, xtime: (0x66n << 48n) | 1n, RX1DR: 5, RX1Freq: 868100000 },
    expected: "other_session",
  },
  { name: "class B", message: { ...base, dC: 1 }, expected: "class_b" },
  { name: "bad pdu", message: { ...base, pdu: "XYZ" }, expected: "malformed" },
  {
    name: "class A without xtime",
    message: { ...base, dC: 0, RX1DR: 5, RX1Freq: 868100000 },
    expected: "malformed",
  },
];

for (const { name, message, expected } of cases) {
  it(name, () => {
    const result = readDownlink(message, 0x65);
    assert.deepEqual(typeof result === "string" ? result : result.choices, expected);
  });
}

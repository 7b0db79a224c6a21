import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDuration } from "./duration.ts";
import { formatListenAddress, parseListenAddress } from "./listen-address.ts";

describe("parseListenAddress", () => {
  const cases: [string, ReturnType<typeof parseListenAddress>][] = [
    [":1885", { host: undefined, port: 1885 }],
    ["0.0.0.0:1700", { host: "0.0.0.0", port: 1700 }],
    ["localhost:0", { host: "localhost", port: 0 }],
    ["[::1]:8885", { host: "::1", port: 8885 }],
    ["lns.example.com:1887", { host: "lns.example.com", port: 1887 }],
    ["nonsense", undefined],
    ["1885", undefined],
    [":65536", undefined],
    [":-1", undefined],
    ["::1:80", undefined],
    ["host name:80", undefined],
    ["[nothex]:80", undefined],
    [":", undefined],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(parseListenAddress(input), expected);
    });
  }

  it("formats IPv6 hosts in brackets", () => {
    assert.equal(formatListenAddress("::", 1885), "[::]:1885");
    assert.equal(formatListenAddress("127.0.0.1", 1885), "127.0.0.1:1885");
  });
});

describe("parseDuration", () => {
  it("reads units and bare milliseconds", () => {
    assert.equal(parseDuration("500ms"), 500);
    assert.equal(parseDuration("10s"), 10_000);
    assert.equal(parseDuration("1m30s"), 90_000);
    assert.equal(parseDuration("2h"), 7_200_000);
    assert.equal(parseDuration("250"), 250);
    assert.equal(parseDuration("1.5s"), 1500);
  });
  it("rejects anything else", () => {
    for (const bad of ["", "soon", "10 s", "s", "-1s", "1d"])
      assert.equal(parseDuration(bad), undefined, bad);
  });
});

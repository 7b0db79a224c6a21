import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  encodeRouterInfoError,
  encodeRouterInfoResponse,
  parseRouterInfoRequest,
  parseTrafficPath,
  trafficPath,
} from "./discovery.ts";
import { formatDashedEui, formatHexEui, formatId6, parseStationEui } from "./station-id.ts";

const hex = (eui: Uint8Array | undefined) => (eui === undefined ? undefined : formatHexEui(eui));
const eui = (text: string) => Buffer.from(text, "hex");

describe("station ids", () => {
  const forms: [unknown, string][] = [
    ["::1", "0000000000000001"],
    ["::0", "0000000000000000"],
    ["16:c001:fffe:1", "0016C001FFFE0001"],
    ["0:0:0:1", "0000000000000001"],
    ["1::", "0001000000000000"],
    ["1::2", "0001000000000002"],
    ["::a:b", "00000000000A000B"],
    ["1:2:3", "0000000100020003"],
    ["00-16-C0-01-FF-FE-00-01", "0016C001FFFE0001"],
    ["0016c001fffe0001", "0016C001FFFE0001"],
    ["00:16:c0:01:ff:fe:00:01", "0016C001FFFE0001"],
    ["1", "0000000000000001"],
    [1, "0000000000000001"],
    [6221967723026382849n, "5658DEADBEEF0001"],
    ["FFFFFFFFFFFFFFFF", "FFFFFFFFFFFFFFFF"],
  ];
  for (const [input, expected] of forms)
    it(`reads ${String(input)}`, () => assert.equal(hex(parseStationEui(input)), expected));

  for (const bad of [
    "",
    "::",
    "1:::2",
    "1-2:3",
    "g",
    "12345678901234567",
    "1:23456::",
    -1,
    1.5,
    2n ** 64n,
    null,
    {},
  ])
    it(`refuses ${JSON.stringify(String(bad))}`, () =>
      assert.equal(parseStationEui(bad), undefined));

  it("writes id6 as station does", () => {
    const cases: [string, string][] = [
      ["0016C001FFFE0001", "16:c001:fffe:1"],
      ["0000000000000001", "::1"],
      ["0000000000000000", "::0"],
      ["00000000000A000B", "::a:b"],
      ["0001000000000000", "1::"],
      ["0001000200000000", "1:2::"],
      ["0001000000000002", "1::2"],
      ["0001000200030004", "1:2:3:4"],
    ];
    for (const [input, id6] of cases) {
      assert.equal(formatId6(eui(input)), id6);
      assert.equal(hex(parseStationEui(id6)), input, `${id6} reads back`);
    }
  });

  it("writes dashed EUIs in upper case", () => {
    assert.equal(formatDashedEui(eui("0016c001fffe0001")), "00-16-C0-01-FF-FE-00-01");
  });
});

describe("discovery", () => {
  it("parses station 2.0.6's request and answers as TTS (transcript)", () => {
    const query = parseRouterInfoRequest('{"router":"16:c001:fffe:1"}');
    assert.ok(query.ok);
    assert.equal(
      encodeRouterInfoResponse({ eui: query.eui, scheme: "ws", host: "127.0.0.1:1887" }),
      '{"router":"16:c001:fffe:1","muxs":"muxs-::0","uri":"ws://127.0.0.1:1887/traffic/eui-0016C001FFFE0001"}',
    );
  });

  it("accepts the EUI forms TTS accepts", () => {
    for (const router of ['"00-16-C0-01-FF-FE-00-01"', '"0016c001fffe0001"', "6403564309970945"]) {
      const query = parseRouterInfoRequest(`{"router":${router}}`);
      assert.ok(query.ok, router);
    }
    const big = parseRouterInfoRequest('{"router":18446744073709551615}');
    assert.ok(big.ok && hex(big.eui) === "FFFFFFFFFFFFFFFF", "an integer beyond 2^53 is exact");
  });

  it("drops requests without a usable router", () => {
    for (const text of ["", "[]", "{}", '{"router":"::0"}', '{"router":"x"}', '{"router":true}'])
      assert.equal(parseRouterInfoRequest(text).ok, false, text);
  });

  it("writes the error answer", () => {
    assert.equal(
      encodeRouterInfoError("Unauthorized", eui("0016c001fffe0001")),
      '{"router":"16:c001:fffe:1","error":"Unauthorized"}',
    );
  });

  it("maps traffic paths to EUIs and back", () => {
    assert.equal(trafficPath(eui("0016c001fffe0001")), "/traffic/eui-0016C001FFFE0001");
    assert.equal(hex(parseTrafficPath("/traffic/eui-0016C001FFFE0001")), "0016C001FFFE0001");
    assert.equal(hex(parseTrafficPath("/traffic/16:c001:fffe:1")), "0016C001FFFE0001");
    assert.equal(parseTrafficPath("/traffic/"), undefined);
    assert.equal(parseTrafficPath("/router-info"), undefined);
  });
});

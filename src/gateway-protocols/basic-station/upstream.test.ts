import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  joinRequestArbitrary,
  proprietaryArbitrary,
  uplinkDataArbitrary,
} from "../../lorawan/codec/frame-arbitraries.ts";
import { encodePhyPayload } from "../../lorawan/codec/index.ts";
import { dropReasons } from "./drop-reasons.ts";
import { splitPhyPayload } from "./frame.ts";
import { stringifyJson } from "./lossless-json.ts";
import { formatHexEui } from "./station-id.ts";
import * as vectors from "./test-vectors.ts";
import { parseUpstream, type UpstreamMessage } from "./upstream.ts";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

function parsed(text: string): UpstreamMessage {
  const result = parseUpstream(text);
  if (!result.ok) assert.fail(`dropped (${result.reason} ${result.field}): ${text}`);
  return result.message;
}

describe("upstream messages from station 2.0.6 (transcripts)", () => {
  it("version", () => {
    assert.deepEqual(parsed(vectors.stationVersion), {
      msgtype: "version",
      station: "2.0.6(linux/testsim)",
      firmware: "",
      package: "",
      model: "linux",
      protocol: 2,
      features: "rmtsh",
      production: false,
    });
    const prod = parsed(
      '{"msgtype":"version","station":"2.0.6","protocol":2,"features":"rmtsh prod gps"}',
    );
    assert.equal(prod.msgtype === "version" && prod.production, true);
  });

  it("jreq: fields, upinfo with a 64-bit xtime, and the PHYPayload lora_pkt_fwd saw", () => {
    const message = parsed(vectors.stationJoinRequest);
    assert.equal(message.msgtype, "jreq");
    if (message.msgtype !== "jreq") return;
    assert.equal(formatHexEui(message.joinEui), "0102030405060708");
    assert.equal(formatHexEui(message.devEui), "8877665544332211");
    assert.equal(message.devNonce, 4660);
    assert.equal(message.mic, -725372255);
    assert.equal(message.dataRate, 0);
    assert.equal(message.frequency, 867_100_000);
    assert.equal(message.refTime, 1796447918.084952);
    assert.deepEqual(message.upInfo, {
      rctx: 0n,
      xtime: 28428972916514080n,
      gpstime: 0n,
      fts: -1,
      rssi: -101,
      snr: -4.5,
      rxtime: 1796447918.084958,
    });
    assert.equal(hex(message.phyPayload), hex(Buffer.from(vectors.joinRequestBase64, "base64")));
  });

  it("updf without FOpts: the PHYPayload lora_pkt_fwd saw", () => {
    const message = parsed(vectors.stationDataUplink);
    assert.equal(message.msgtype, "updf");
    if (message.msgtype !== "updf") return;
    assert.equal(message.devAddr, 0x01020304);
    assert.equal(message.fCnt, 10);
    assert.equal(message.fPort, 1);
    assert.equal(message.upInfo.xtime, 28428972916514444n);
    assert.equal(message.upInfo.snr, 7.25);
    assert.equal(hex(message.phyPayload), hex(Buffer.from(vectors.dataUplinkBase64, "base64")));
  });

  it("updf with FOpts and a negative MIC", () => {
    const message = parsed(vectors.stationDataUplinkWithFOpts);
    assert.ok(message.msgtype === "updf");
    assert.equal(hex(message.phyPayload), vectors.dataUplinkWithFOptsHex);
    assert.equal(message.upInfo.xtime, 41939771802331466n);
  });

  it("dntxed, with the xtime exact", () => {
    assert.deepEqual(parsed(vectors.stationTxConfirmationLarge), {
      msgtype: "dntxed",
      diid: 4711n,
      devEui: new Uint8Array(Buffer.from("0202020202020202", "hex")),
      rctx: 0n,
      xtime: 41939771807331464n,
      txtime: 321.296243,
      gpstime: 0n,
      dataRate: 5,
      frequency: 868_100_000,
    });
    const legacy = parsed('{"msgtype":"dntxed","seqno":9}');
    assert.ok(legacy.msgtype === "dntxed" && legacy.diid === 9n && legacy.devEui === undefined);
  });

  it("timesync request", () => {
    assert.deepEqual(parsed('{"msgtype":"timesync","txtime":1234567}'), {
      msgtype: "timesync",
      txtime: 1234567,
    });
  });

  it("propdf: the whole frame", () => {
    const message = parsed(
      '{"msgtype":"propdf","FRMPayload":"E0010203","DR":5,"Freq":868100000,"upinfo":{"xtime":5,"rssi":-40,"snr":9}}',
    );
    assert.ok(message.msgtype === "propdf");
    assert.equal(hex(message.phyPayload), "e0010203");
  });
});

describe("reassembly matches the LoRaWAN codec (station's split, then ours back)", () => {
  const radio = {
    DR: 3,
    Freq: 868_100_000,
    RefTime: 1796447918.5,
    upinfo: {
      rctx: 0,
      xtime: 41939771802331466n,
      gpstime: 0,
      fts: -1,
      rssi: -80,
      snr: 5.5,
      rxtime: 1,
    },
  };
  const frames = fc.oneof(joinRequestArbitrary, uplinkDataArbitrary, proprietaryArbitrary);
  it("for random join-requests, data uplinks and proprietary frames", () => {
    fc.assert(
      fc.property(frames, (frame) => {
        const bytes = encodePhyPayload(frame);
        const fields = splitPhyPayload(bytes);
        assert.ok(fields !== undefined);
        const message = parsed(stringifyJson({ ...fields, ...radio }));
        assert.ok("phyPayload" in message);
        assert.equal(hex(message.phyPayload), hex(bytes));
        assert.ok("upInfo" in message && message.upInfo.xtime === 41939771802331466n);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("drops", () => {
  const base = JSON.parse(vectors.stationDataUplink) as Record<string, unknown>;
  const cases: [string, string, string?][] = [
    ["", "not_json"],
    ["[1]", "not_json"],
    ["null", "not_json"],
    ["{}", "no_msgtype"],
    ['{"msgtype":7}', "no_msgtype"],
    ['{"msgtype":"toString"}', "unknown_msgtype"],
    ['{"msgtype":"__proto__"}', "unknown_msgtype"],
    ['{"msgtype":"rmtsh"}', "ignored_msgtype"],
    [JSON.stringify({ ...base, MHdr: 0x60 }), "bad_field", "MHdr"],
    [JSON.stringify({ ...base, MHdr: 0x41 }), "bad_field", "MHdr"],
    [JSON.stringify({ ...base, DevAddr: "1" }), "bad_field", "DevAddr"],
    [JSON.stringify({ ...base, DevAddr: 2 ** 32 }), "bad_field", "DevAddr"],
    [JSON.stringify({ ...base, FCnt: 65536 }), "bad_field", "FCnt"],
    [JSON.stringify({ ...base, FOpts: "0g" }), "bad_field", "FOpts"],
    [JSON.stringify({ ...base, FOpts: "01" }), "bad_frame", "FOpts"],
    [JSON.stringify({ ...base, FPort: -1 }), "bad_frame", "FRMPayload"],
    [JSON.stringify({ ...base, FPort: 256 }), "bad_field", "FPort"],
    [JSON.stringify({ ...base, FRMPayload: "A" }), "bad_field", "FRMPayload"],
    [JSON.stringify({ ...base, FRMPayload: "00".repeat(244) }), "bad_frame", "FRMPayload"],
    [JSON.stringify({ ...base, MIC: 1.5 }), "bad_field", "MIC"],
    [JSON.stringify({ ...base, DR: 16 }), "bad_field", "DR"],
    [JSON.stringify({ ...base, Freq: -1 }), "bad_field", "Freq"],
    [JSON.stringify({ ...base, upinfo: null }), "bad_field", "upinfo"],
    [JSON.stringify({ ...base, upinfo: { rssi: 1, snr: 1 } }), "no_xtime", "upinfo.xtime"],
    [
      JSON.stringify({ ...base, upinfo: { xtime: "1", rssi: 1, snr: 1 } }),
      "bad_field",
      "upinfo.xtime",
    ],
    [JSON.stringify({ ...base, upinfo: { xtime: 1, snr: 1 } }), "bad_field", "upinfo.rssi"],
    ['{"msgtype":"updf","upinfo":{"xtime":1e300}}', "bad_field", "MHdr"],
    ['{"msgtype":"jreq","MHdr":0,"JoinEui":"zz"}', "bad_field", "JoinEui"],
    ['{"msgtype":"rejoin","MHdr":0}', "bad_field", "MHdr"],
    ['{"msgtype":"propdf","FRMPayload":"40"}', "bad_frame", "FRMPayload"],
    ['{"msgtype":"dntxed"}', "bad_field", "diid"],
    ['{"msgtype":"dntxed","diid":99999999999999999999}', "bad_field", "diid"],
    ['{"msgtype":"timesync","txtime":"x"}', "bad_field", "txtime"],
    ['{"msgtype":"version","station":5}', "bad_field", "station"],
  ];
  for (const [text, reason, field] of cases)
    it(`${reason}${field ? ` (${field})` : ""}: ${text.slice(0, 60)}`, () => {
      const result = parseUpstream(text);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.reason, reason);
      assert.ok(result.reason in dropReasons);
      if (field !== undefined) assert.equal(result.field, field);
    });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  encodePullAck,
  encodePullResp,
  encodePushAck,
  errToken,
  errTxpkField,
  hertzToMegahertzText,
  MAX_PULL_RESP_LENGTH,
  type TxPacket,
} from "./index.ts";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const lora7 = { modulation: "LORA", spreadingFactor: 7, bandwidth: 125_000 } as const;
const payload = new Uint8Array(Buffer.from("YAQDAgEAAQAByv5VZneI", "base64"));

function pullRespJson(datagram: Uint8Array): string {
  assert.equal(hex(datagram.subarray(0, 4)).slice(0, 2), "02");
  assert.equal(datagram[3], 3);
  return Buffer.from(datagram.subarray(4)).toString();
}

describe("semtech-udp encode", () => {
  it("echoes the token and version in PUSH_ACK and PULL_ACK", () => {
    assert.equal(hex(encodePushAck(0x6973)), "02697301");
    assert.equal(hex(encodePullAck(0x67c6)), "0267c604");
    assert.equal(hex(encodePushAck(0x0001, 1)), "01000101");
    assert.throws(
      () => encodePushAck(0x10000),
      (e) => errToken.matches(e),
    );
    assert.throws(
      () => encodePullAck(-1),
      (e) => errToken.matches(e),
    );
  });

  it("writes the PULL_RESP lora_pkt_fwd 4.0.1 accepted in the transcript, plus ncrc", () => {
    const datagram = encodePullResp(0xabcd, {
      timestamp: 4292480678,
      frequency: 868_100_000,
      rfChain: 0,
      power: 14,
      dataRate: lora7,
      codingRate: "4/5",
      invertPolarization: true,
      payload,
    });
    assert.equal(hex(datagram.subarray(0, 4)), "02abcd03");
    assert.equal(
      pullRespJson(datagram),
      '{"txpk":{"imme":false,"tmst":4292480678,"freq":868.1,"rfch":0,"powe":14,"modu":"LORA","datr":"SF7BW125","codr":"4/5","ipol":true,"size":15,"data":"YAQDAgEAAQAByv5VZneI"}}',
    );
    const class_c = encodePullResp(1, {
      immediate: true,
      frequency: 869_525_000,
      power: 27,
      dataRate: { modulation: "LORA", spreadingFactor: 12, bandwidth: 125_000 },
      invertPolarization: true,
      noCrc: true,
      preamble: 8,
      payload,
    });
    assert.equal(
      pullRespJson(class_c),
      '{"txpk":{"imme":true,"freq":869.525,"rfch":0,"powe":27,"modu":"LORA","datr":"SF12BW125","codr":"4/5","ipol":true,"prea":8,"size":15,"data":"YAQDAgEAAQAByv5VZneI","ncrc":true}}',
    );
  });

  it("writes FSK and GPS-time downlinks as the document's example", () => {
    const datagram = encodePullResp(2, {
      gpsTime: 1_387_965_322_123,
      frequency: 861_300_000,
      power: 12,
      dataRate: { modulation: "FSK", bitRate: 50_000 },
      frequencyDeviation: 3000,
      payload,
    });
    assert.equal(
      pullRespJson(datagram),
      '{"txpk":{"imme":false,"tmms":1387965322123,"freq":861.3,"rfch":0,"powe":12,"modu":"FSK","datr":50000,"fdev":3000,"ipol":false,"size":15,"data":"YAQDAgEAAQAByv5VZneI"}}',
    );
  });

  it("refuses a txpk lora_pkt_fwd would abort, naming the field", () => {
    const base: TxPacket = { timestamp: 1, frequency: 868_100_000, dataRate: lora7, payload };
    const bad: [Partial<TxPacket> & Record<string, unknown>, string][] = [
      [{ timestamp: undefined }, "imme"],
      [{ immediate: true }, "imme"],
      [{ timestamp: 2 ** 32 }, "tmst"],
      [{ frequency: 868.1 }, "freq"],
      [{ rfChain: 256 }, "rfch"],
      [{ power: 14.5 }, "powe"],
      [{ dataRate: { modulation: "LORA", spreadingFactor: 6, bandwidth: 125_000 } }, "datr"],
      [{ dataRate: { modulation: "LORA", spreadingFactor: 7, bandwidth: 62_500 } }, "datr"],
      [
        {
          dataRate: { modulation: "LR-FHSS", modulationType: 0, operatingChannelWidth: 137_000 },
        },
        "modu",
      ],
      [{ dataRate: { modulation: "FSK", bitRate: 50_000 } }, "fdev"],
      [{ dataRate: { modulation: "FSK", bitRate: 50_000 }, frequencyDeviation: 2500 }, "fdev"],
      [{ codingRate: "4/9" as "4/5" }, "codr"],
      [{ preamble: -1 }, "prea"],
      [{ payload: new Uint8Array(0) }, "data"],
      [{ payload: new Uint8Array(256) }, "data"],
    ];
    for (const [change, field] of bad) {
      assert.throws(
        () => encodePullResp(1, { ...base, ...change } as TxPacket),
        (e) => errTxpkField.matches(e) && e.attributes.field === field,
        field,
      );
    }
    assert.throws(
      () => encodePullResp(-1, base),
      (e) => errToken.matches(e),
    );
  });

  it("fits the largest payload in the 999 bytes lora_pkt_fwd reads", () => {
    const datagram = encodePullResp(3, {
      timestamp: 4_294_967_295,
      frequency: 2_403_000_001,
      power: -6,
      dataRate: { modulation: "LORA", spreadingFactor: 12, bandwidth: 500_000 },
      invertPolarization: true,
      noCrc: true,
      preamble: 65_535,
      payload: new Uint8Array(255),
    });
    assert.ok(datagram.length <= MAX_PULL_RESP_LENGTH, `${datagram.length} bytes`);
  });

  it("writes Hz as MHz that lora_pkt_fwd's truncating read and a rounding read both get back", () => {
    assert.equal(hertzToMegahertzText(868_100_000), "868.1");
    assert.equal(hertzToMegahertzText(869_000_000), "869");
    assert.equal(hertzToMegahertzText(868_099_999), "868.099999");
    // (uint32_t)(1e6 * 128.003) is 128002999 in C and in JavaScript.
    assert.equal(Math.trunc(1e6 * 128.003), 128_002_999);
    assert.equal(hertzToMegahertzText(128_003_000), "128.0030000001");
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0xffff_ffff }), (hertz) => {
        const text = hertzToMegahertzText(hertz);
        const parsed = Number(text);
        return Math.trunc(1e6 * parsed) === hertz && Math.round(parsed * 1e6) === hertz;
      }),
      { numRuns: 20_000 },
    );
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fcModule from "fast-check";
import {
  type DataRate,
  decodeGatewayDatagram,
  encodePullData,
  encodePullResp,
  encodePushData,
  encodeTxAck,
  type GatewayStat,
  type PushData,
  type RxPacket,
  type RxSignal,
  TX_ACK_ERRORS,
  type TxAck,
  type TxAckPacket,
  type TxPacket,
} from "./index.ts";

// Records with Object.prototype, as the decoder builds them (deepEqual compares prototypes).
const fc = {
  ...fcModule,
  record: ((model: Record<string, fcModule.Arbitrary<unknown>>) =>
    fcModule.record(model, { noNullPrototype: true })) as typeof fcModule.record,
};

const optional = <T>(arbitrary: fcModule.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const u8 = fc.integer({ min: 0, max: 255 });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
// Without -0, which JSON writes as 0.
const level = fc
  .double({ min: -200, max: 200, noNaN: true, noDefaultInfinity: true })
  .map((v) => v + 0);
const eui = fc
  .uint8Array({ minLength: 8, maxLength: 8 })
  .map((b) => Buffer.from(b).toString("hex").toUpperCase());
const token = fc.integer({ min: 0, max: 0xffff });
// 1970 .. 2200, whole microseconds.
const microseconds = fc.integer({ min: 0, max: 7_258_118_400_000_000 });

const dataRate: fcModule.Arbitrary<DataRate> = fc.oneof(
  fc.record({
    modulation: fc.constant("LORA" as const),
    spreadingFactor: fc.integer({ min: 5, max: 12 }),
    bandwidth: fc.constantFrom(62_500, 125_000, 203_125, 250_000, 500_000, 812_500, 1_625_000),
  }),
  fc.record({ modulation: fc.constant("FSK" as const), bitRate: fc.integer({ min: 1, max: 1e6 }) }),
  fc.record({
    modulation: fc.constant("LR-FHSS" as const),
    modulationType: fc.integer({ min: 0, max: 99 }),
    operatingChannelWidth: fc.integer({ min: 1, max: 99_999 }).map((k) => k * 1000),
  }),
);

/** Drops the properties whose value is undefined: the decoder leaves absent fields out. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const signal: fcModule.Arbitrary<RxSignal> = fc
  .record({
    antenna: optional(u8),
    channel: optional(u8),
    channelRssi: optional(level),
    signalRssi: optional(level),
    rssiStandardDeviation: optional(fc.double({ min: 0, max: 100, noNaN: true }).map((v) => v + 0)),
    snr: optional(level),
    encryptedFineTimestamp: optional(fc.uint8Array({ maxLength: 16 })),
    fineTimestamp: optional(fc.integer({ min: 0, max: 999_999_999 })),
    frequencyOffset: optional(fc.integer({ min: -125_000, max: 125_000 })),
    frequencyDrift: optional(fc.integer({ min: -1000, max: 1000 })),
  })
  .map(defined);

const rxPacket: fcModule.Arbitrary<RxPacket> = fc
  .record({
    time: optional(microseconds),
    gpsTime: optional(fc.integer({ min: 0, max: 2 ** 48 })),
    timestamp: optional(u32),
    fineTimestamp: optional(fc.integer({ min: 0, max: 999_999_999 })),
    frequency: fc.integer({ min: 1, max: 9_999_999_999 }),
    channel: optional(u8),
    rfChain: optional(u8),
    modemId: optional(u8),
    board: optional(u8),
    aesKey: optional(u8),
    crcStatus: optional(fc.constantFrom(1 as const, -1 as const, 0 as const)),
    dataRate,
    codingRate: optional(fc.constantFrom("4/5", "4/6", "4/7", "4/8", "OFF", "?", "1/3", "2/3")),
    hoppingWidth: optional(u32),
    rssi: optional(fc.integer({ min: -200, max: 0 })),
    signalRssi: optional(level),
    snr: optional(level),
    frequencyOffset: optional(fc.integer({ min: -125_000, max: 125_000 })),
    payload: fc.uint8Array({ maxLength: 255 }),
    signals: optional(fc.array(signal, { maxLength: 4 })),
  })
  .map(defined);

const extraName = fc
  .stringMatching(/^[a-z]{1,8}$/)
  .filter(
    (name) =>
      ![
        "time",
        "boot",
        "lati",
        "long",
        "alti",
        "rxnb",
        "rxok",
        "rxfw",
        "ackr",
        "dwnb",
        "txnb",
        "temp",
        "lmok",
        "lmst",
        "lmnw",
        "lpps",
        "fpga",
        "dsp",
        "hal",
        "hver",
      ].includes(name),
  );

const gatewayStat: fcModule.Arbitrary<GatewayStat> = fc
  .record({
    time: optional(fc.integer({ min: 0, max: 7_258_118_400 }).map((s) => new Date(s * 1000))),
    bootTime: optional(fc.integer({ min: 0, max: 7_258_118_400 }).map((s) => new Date(s * 1000))),
    latitude: optional(fc.double({ min: -90, max: 90, noNaN: true }).map((v) => v + 0)),
    longitude: optional(fc.double({ min: -180, max: 180, noNaN: true }).map((v) => v + 0)),
    altitude: optional(fc.integer({ min: -500, max: 9000 })),
    received: optional(u32),
    receivedOk: optional(u32),
    forwarded: optional(u32),
    acknowledgedPercent: optional(fc.double({ min: 0, max: 100, noNaN: true }).map((v) => v + 0)),
    downlinksReceived: optional(u32),
    transmitted: optional(u32),
    temperature: optional(fc.double({ min: -60, max: 120, noNaN: true }).map((v) => v + 0)),
    lostPps: optional(u32),
    fpgaVersion: optional(u32),
    halVersion: optional(fc.string({ maxLength: 16 })),
    hardwareVersions: optional(
      fc.record({ fpga: optional(u32), dsp0: optional(u32), dsp1: optional(u32) }).map(defined),
    ),
    extra: optional(
      fcModule.dictionary(
        extraName,
        fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean()),
        {
          minKeys: 1,
          maxKeys: 5,
          noNullPrototype: true,
        },
      ),
    ),
  })
  .map(defined);

function decodePush(datagram: Uint8Array): PushData {
  const result = decodeGatewayDatagram(datagram);
  assert.equal(result.type, "push_data", JSON.stringify(result));
  return result as PushData;
}

describe("semtech-udp round trips", () => {
  it("PUSH_DATA: rxpk and stat as a forwarder writes them decode to the same values", () => {
    fc.assert(
      fc.property(
        token,
        eui,
        fc.array(rxPacket, { maxLength: 4 }),
        optional(gatewayStat),
        (tok, gatewayEui, rxpk, stat) => {
          const packet = decodePush(encodePushData(tok, gatewayEui, { rxpk, stat }));
          assert.equal(packet.token, tok);
          assert.equal(packet.gatewayEui, gatewayEui);
          assert.deepEqual(packet.drops, []);
          assert.deepEqual(packet.rxpk.map(defined), rxpk);
          const decodedStat = packet.stat && {
            ...packet.stat,
            ...(packet.stat.extra && { extra: { ...packet.stat.extra } }),
          };
          assert.deepEqual(decodedStat, stat);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("PULL_DATA and TX_ACK keep token, EUI and result", () => {
    const txAck: fcModule.Arbitrary<TxAck> = fc.oneof(
      fc.record({ error: fc.constantFrom(...TX_ACK_ERRORS) }),
      fc
        .record({
          error: fc.constant("UNKNOWN" as const),
          errorText: fc.stringMatching(/^[A-Z_]{1,20}$/),
        })
        .filter((ack) => !(TX_ACK_ERRORS as readonly string[]).includes(ack.errorText)),
      fc.record({
        error: fc.constant("NONE" as const),
        warning: fc.constant("TX_POWER"),
        warningValue: fc.integer({ min: -10, max: 30 }),
      }),
    );
    fc.assert(
      fc.property(token, eui, txAck, (tok, gatewayEui, ack) => {
        assert.deepEqual(decodeGatewayDatagram(encodePullData(tok, gatewayEui)), {
          type: "pull_data",
          version: 2,
          token: tok,
          gatewayEui,
        });
        const decoded = decodeGatewayDatagram(encodeTxAck(tok, gatewayEui, ack)) as TxAckPacket;
        assert.equal(decoded.type, "tx_ack");
        assert.equal(decoded.token, tok);
        assert.deepEqual(decoded.ack, ack);
      }),
      { numRuns: 500 },
    );
  });

  it("PULL_RESP: every txpk field reads back as lora_pkt_fwd 4.0.1 parses it", () => {
    const txPacket: fcModule.Arbitrary<TxPacket> = fc
      .record({
        when: fc.oneof(
          fc.record({ immediate: fc.constant(true) }),
          fc.record({ timestamp: u32 }),
          fc.record({ gpsTime: fc.integer({ min: 0, max: 2 ** 48 }) }),
        ),
        frequency: fc.integer({ min: 1, max: 0xffff_ffff }),
        rfChain: optional(u8),
        power: optional(fc.integer({ min: -128, max: 127 })),
        lora: fc.boolean(),
        spreadingFactor: fc.integer({ min: 7, max: 12 }),
        bandwidth: fc.constantFrom(125_000, 250_000, 500_000),
        codingRate: optional(
          fc.constantFrom("4/5" as const, "4/6" as const, "4/7" as const, "4/8" as const),
        ),
        bitRate: fc.integer({ min: 500, max: 300_000 }),
        deviation: fc.integer({ min: 1, max: 255 }).map((k) => k * 1000),
        invertPolarization: optional(fc.boolean()),
        preamble: optional(fc.integer({ min: 0, max: 0xffff })),
        noCrc: optional(fc.boolean()),
        payload: fc.uint8Array({ minLength: 1, maxLength: 255 }),
      })
      .map((r) =>
        defined({
          ...r.when,
          frequency: r.frequency,
          rfChain: r.rfChain,
          power: r.power,
          dataRate: r.lora
            ? {
                modulation: "LORA" as const,
                spreadingFactor: r.spreadingFactor,
                bandwidth: r.bandwidth,
              }
            : { modulation: "FSK" as const, bitRate: r.bitRate },
          codingRate: r.lora ? r.codingRate : undefined,
          frequencyDeviation: r.lora ? undefined : r.deviation,
          invertPolarization: r.invertPolarization,
          preamble: r.preamble,
          noCrc: r.noCrc,
          payload: r.payload,
        }),
      );
    fc.assert(
      fc.property(token, txPacket, (tok, txpk) => {
        const datagram = encodePullResp(tok, txpk);
        assert.equal(datagram[0], 2);
        assert.equal((datagram[1] as number) * 256 + (datagram[2] as number), tok);
        assert.equal(datagram[3], 3);
        const json = JSON.parse(Buffer.from(datagram.subarray(4)).toString()).txpk;
        assert.equal(json.imme, txpk.immediate === true);
        assert.equal(json.tmst, txpk.timestamp);
        assert.equal(json.tmms, txpk.gpsTime);
        // The forwarder's own arithmetic: (uint32_t)(1e6 * freq).
        assert.equal(Math.trunc(1e6 * json.freq), txpk.frequency);
        assert.equal(json.rfch, txpk.rfChain ?? 0);
        assert.equal(json.powe, txpk.power);
        assert.equal(json.modu, txpk.dataRate.modulation);
        if (txpk.dataRate.modulation === "LORA") {
          const { spreadingFactor, bandwidth } = txpk.dataRate;
          assert.equal(json.datr, `SF${spreadingFactor}BW${bandwidth / 1000}`);
          assert.equal(json.codr, txpk.codingRate ?? "4/5");
        } else if (txpk.dataRate.modulation === "FSK") {
          assert.equal(json.datr, txpk.dataRate.bitRate);
          assert.equal(json.fdev, txpk.frequencyDeviation);
        }
        assert.equal(json.ipol, txpk.invertPolarization === true);
        assert.equal(json.prea, txpk.preamble);
        assert.equal(json.ncrc, txpk.noCrc === true ? true : undefined);
        assert.equal(json.size, txpk.payload.length);
        assert.deepEqual(new Uint8Array(Buffer.from(json.data, "base64")), txpk.payload);
        assert.ok(datagram.length <= 999);
      }),
      { numRuns: 1000 },
    );
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DROP_REASONS,
  decodeGatewayDatagram,
  type GatewayPacket,
  type PushData,
  readHeader,
  statusMaps,
  type TxAckPacket,
} from "./index.ts";

const bytes = (hex: string, json = ""): Uint8Array =>
  new Uint8Array(Buffer.concat([Buffer.from(hex, "hex"), Buffer.from(json)]));
/** Without the undefined fields (a decoded rxpk has them all, set or not). */
const sent = <T extends object>(value: T | undefined): Partial<T> =>
  Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
const b64 = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

function decoded(datagram: Uint8Array): GatewayPacket {
  const result = decodeGatewayDatagram(datagram);
  assert.notEqual(result.type, "drop", JSON.stringify(result));
  return result as GatewayPacket;
}
const pushData = (json: string, hex = "02697300aa555a0000000101") =>
  decoded(bytes(hex, json)) as PushData;
const txAck = (json: string) => decoded(bytes("02999b05aa555a0000000101", json)) as TxAckPacket;

// The real lora_pkt_fwd 4.0.1 (../shared/peers/README.md, "Observed behaviour").
const observedRxpk =
  '{"rxpk":[{"tmst":4291480678,"chan":0,"rfch":1,"freq":868.100000,"stat":1,"modu":"LORA","datr":"SF7BW125","codr":"4/5","lsnr":7.5,"rssi":-57,"size":17,"data":"QAQDAgGACgAB3q2+7xEiM0Q="},' +
  '{"tmst":4291481266,"chan":1,"rfch":1,"freq":868.300000,"stat":1,"modu":"LORA","datr":"SF12BW125","codr":"4/5","lsnr":-4.5,"rssi":-101,"size":23,"data":"AAgHBgUEAwIBESIzRFVmd4g0EqGyw9Q="}]}';

describe("semtech-udp decode: the real lora_pkt_fwd 4.0.1", () => {
  it("reads PULL_DATA 0267c602aa555a0000000101", () => {
    assert.deepEqual(decoded(bytes("0267c602aa555a0000000101")), {
      type: "pull_data",
      version: 2,
      token: 0x67c6,
      gatewayEui: "AA555A0000000101",
    });
  });

  it("reads a PUSH_DATA with two rxpk, without time (no GPS)", () => {
    const packet = pushData(observedRxpk);
    assert.equal(packet.type, "push_data");
    assert.equal(packet.token, 0x6973);
    assert.equal(packet.gatewayEui, "AA555A0000000101");
    assert.deepEqual(packet.drops, []);
    assert.equal(packet.stat, undefined);
    assert.deepEqual(packet.rxpk.map(sent), [
      {
        timestamp: 4291480678,
        channel: 0,
        rfChain: 1,
        frequency: 868_100_000,
        crcStatus: 1,
        dataRate: { modulation: "LORA", spreadingFactor: 7, bandwidth: 125_000 },
        codingRate: "4/5",
        snr: 7.5,
        rssi: -57,
        payload: b64("QAQDAgGACgAB3q2+7xEiM0Q="),
      },
      {
        timestamp: 4291481266,
        channel: 1,
        rfChain: 1,
        frequency: 868_300_000,
        crcStatus: 1,
        dataRate: { modulation: "LORA", spreadingFactor: 12, bandwidth: 125_000 },
        codingRate: "4/5",
        snr: -4.5,
        rssi: -101,
        payload: b64("AAgHBgUEAwIBESIzRFVmd4g0EqGyw9Q="),
      },
    ]);
  });

  it("reads the stat PUSH_DATA with the expanded time and no GPS position", () => {
    const packet = pushData(
      '{"stat":{"time":"2026-12-05 05:19:03 GMT","rxnb":2,"rxok":2,"rxfw":2,"ackr":100.0,"dwnb":2,"txnb":1}}',
    );
    assert.deepEqual(packet.rxpk, []);
    assert.deepEqual(packet.stat, {
      time: new Date("2026-12-05T05:19:03Z"),
      received: 2,
      receivedOk: 2,
      forwarded: 2,
      acknowledgedPercent: 100,
      downlinksReceived: 2,
      transmitted: 1,
    });
  });

  it("reads a bare 12-byte TX_ACK as success and the JSON errors", () => {
    const ok = decoded(bytes("02db2705aa555a0000000101")) as TxAckPacket;
    assert.deepEqual(ok, {
      type: "tx_ack",
      version: 2,
      token: 0xdb27,
      gatewayEui: "AA555A0000000101",
      ack: { error: "NONE" },
    });
    const late = txAck('{"txpk_ack":{"error":"TOO_LATE"}}');
    assert.equal(late.token, 0x999b);
    assert.deepEqual(late.ack, { error: "TOO_LATE" });
    for (const error of [
      "TOO_EARLY",
      "COLLISION_PACKET",
      "COLLISION_BEACON",
      "TX_FREQ",
      "TX_POWER",
      "GPS_UNLOCKED",
      "NONE",
    ]) {
      assert.deepEqual(txAck(`{"txpk_ack":{"error":"${error}"}}`).ack, { error });
    }
  });
});

describe("semtech-udp decode: the protocol documents (rev 1.4, sx1302 rev 1.5)", () => {
  it("reads the rev 1.4 rxpk example: time, LoRa, FSK, unpadded data", () => {
    const packet = pushData(
      `{"rxpk":[
        {"time":"2013-03-31T16:21:17.528002Z","tmst":3512348611,"chan":2,"rfch":0,"freq":866.349812,"stat":1,"modu":"LORA","datr":"SF7BW125","codr":"4/6","rssi":-35,"lsnr":5.1,"size":32,"data":"-DS4CGaDCdG+48eJNM3Vai-zDpsR71Pn9CPA9uCON84"},
        {"time":"2013-03-31T16:21:17.530974Z","tmst":3512348514,"chan":9,"rfch":1,"freq":869.1,"stat":1,"modu":"FSK","datr":50000,"rssi":-75,"size":16,"data":"VEVTVF9QQUNLRVRfMTIzNA=="},
        {"time":"2013-03-31T16:21:17.532038Z","tmst":3316387610,"chan":0,"rfch":0,"freq":863.00981,"stat":1,"modu":"LORA","datr":"SF10BW125","codr":"4/7","rssi":-38,"lsnr":5.5,"size":32,"data":"ysgRl452xNLep9S1NTIg2lomKDxUgn3DJ7DE+b00Ass"}
      ]}`,
    );
    assert.deepEqual(packet.drops, []);
    const [first, fsk, third] = packet.rxpk;
    assert.equal(first?.time, Date.UTC(2013, 2, 31, 16, 21, 17) * 1000 + 528_002);
    assert.equal(first?.frequency, 866_349_812);
    assert.equal(first?.payload.length, 32);
    assert.equal(first?.codingRate, "4/6");
    assert.deepEqual(fsk?.dataRate, { modulation: "FSK", bitRate: 50_000 });
    assert.equal(fsk?.snr, undefined);
    assert.deepEqual(fsk?.payload, new TextEncoder().encode("TEST_PACKET_1234"));
    assert.equal(third?.frequency, 863_009_810);
    assert.equal(third?.timestamp, 3316387610);
  });

  it("reads the sx1302 fields: mid, rssis, foff, temp and tmms", () => {
    const packet = pushData(
      '{"rxpk":[{"jver":1,"tmst":1000,"tmms":1387965322123,"chan":3,"rfch":0,"freq":867.1,"mid":8,"stat":1,"modu":"LORA","datr":"SF9BW125","codr":"4/5","rssis":-42,"rssi":-41,"lsnr":10.2,"foff":-1234,"size":3,"data":"AQID"}],' +
        '"stat":{"time":"2014-01-12 08:59:28 GMT","lati":46.24000,"long":3.25230,"alti":145,"rxnb":2,"rxok":2,"rxfw":2,"ackr":100.0,"dwnb":2,"txnb":2,"temp":23.2}}',
    );
    assert.deepEqual(sent(packet.rxpk[0]), {
      timestamp: 1000,
      gpsTime: 1387965322123,
      channel: 3,
      rfChain: 0,
      frequency: 867_100_000,
      modemId: 8,
      crcStatus: 1,
      dataRate: { modulation: "LORA", spreadingFactor: 9, bandwidth: 125_000 },
      codingRate: "4/5",
      signalRssi: -42,
      rssi: -41,
      snr: 10.2,
      frequencyOffset: -1234,
      payload: Uint8Array.of(1, 2, 3),
    });
    assert.deepEqual(packet.stat, {
      time: new Date("2014-01-12T08:59:28Z"),
      latitude: 46.24,
      longitude: 3.2523,
      altitude: 145,
      received: 2,
      receivedOk: 2,
      forwarded: 2,
      acknowledgedPercent: 100,
      downlinksReceived: 2,
      transmitted: 2,
      temperature: 23.2,
    });
  });

  it("reads sx1302 TX_ACK warnings and takes an absent or empty JSON for success", () => {
    assert.deepEqual(txAck('{"txpk_ack":{"warn":"TX_POWER","value":20}}').ack, {
      error: "NONE",
      warning: "TX_POWER",
      warningValue: 20,
    });
    assert.deepEqual(txAck('{"txpk_ack":{"error":"COLLISION_PACKET"}}').ack, {
      error: "COLLISION_PACKET",
    });
    for (const json of [
      "",
      "{}",
      '{"txpk_ack":{}}',
      " \n",
      "\u0000",
      '{"txpk_ack":{"error":"NONE"}}\u0000',
    ]) {
      assert.deepEqual(txAck(json).ack, { error: "NONE" }, JSON.stringify(json));
    }
    assert.deepEqual(txAck('{"txpk_ack":{"error":"HALF_DUPLEX"}}').ack, {
      error: "UNKNOWN",
      errorText: "HALF_DUPLEX",
    });
  });

  it("reads multi-antenna rsig, fine timestamps and LR-FHSS data rates", () => {
    const packet = pushData(
      '{"rxpk":[{"tmst":5,"freq":868.5,"brd":1,"aesk":2,"modu":"LORA","datr":"SF7BW125","codr":"4/5","size":1,"data":"/w==",' +
        '"rsig":[{"ant":0,"chan":1,"rssic":-50,"rssis":-51,"rssisd":0,"lsnr":9.8,"etime":"AAEC","ftime":123456789,"foff":-100},{"ant":1,"chan":1,"rssic":-60,"lsnr":3}]},' +
        '{"tmst":6,"freq":868.1,"modu":"LR-FHSS","datr":"M0CW137","codr":"2/3","hpw":8,"size":0,"data":""}]}',
    );
    assert.deepEqual(packet.drops, []);
    assert.deepEqual(packet.rxpk[0]?.signals, [
      {
        antenna: 0,
        channel: 1,
        channelRssi: -50,
        signalRssi: -51,
        rssiStandardDeviation: 0,
        snr: 9.8,
        encryptedFineTimestamp: Uint8Array.of(0, 1, 2),
        fineTimestamp: 123456789,
        frequencyOffset: -100,
      },
      { antenna: 1, channel: 1, channelRssi: -60, snr: 3 },
    ]);
    assert.equal(packet.rxpk[0]?.board, 1);
    assert.equal(packet.rxpk[0]?.aesKey, 2);
    assert.deepEqual(packet.rxpk[1]?.dataRate, {
      modulation: "LR-FHSS",
      modulationType: 0,
      operatingChannelWidth: 137_000,
    });
    assert.equal(packet.rxpk[1]?.hoppingWidth, 8);
    assert.equal(packet.rxpk[1]?.codingRate, "2/3");
  });
});

describe("semtech-udp decode: variants", () => {
  const rx = (fields: string) =>
    pushData(`{"rxpk":[{"tmst":1,"freq":868.1,"datr":"SF7BW125","data":"AQI=",${fields}}]}`);

  it("turns MHz into Hz exactly despite binary floating point", () => {
    for (const [mhz, hz] of [
      ["868.1", 868_100_000],
      ["868.100000", 868_100_000],
      ["869.525", 869_525_000],
      ["867.9", 867_900_000],
      ["902.3", 902_300_000],
      ["923.2", 923_200_000],
      ["128.003", 128_003_000],
      ["2403.0", 2_403_000_000],
      ["433.175", 433_175_000],
      ["868.099999", 868_099_999],
    ] as const) {
      assert.equal(rx(`"freq":${mhz}`).rxpk[0]?.frequency, hz, mhz);
    }
  });

  it("reads unpadded and URL-safe base64, and data rates with fractional bandwidths", () => {
    assert.deepEqual(rx('"data":"AQI"').rxpk[0]?.payload, Uint8Array.of(1, 2));
    assert.deepEqual(rx('"data":"-_8"').rxpk[0]?.payload, Uint8Array.of(0xfb, 0xff));
    assert.deepEqual(rx('"datr":"SF12BW500"').rxpk[0]?.dataRate, {
      modulation: "LORA",
      spreadingFactor: 12,
      bandwidth: 500_000,
    });
    assert.deepEqual(rx('"datr":"SF5BW62.5"').rxpk[0]?.dataRate, {
      modulation: "LORA",
      spreadingFactor: 5,
      bandwidth: 62_500,
    });
  });

  it("reads the time with nanoseconds, without fraction, with offsets; stat time in ISO too", () => {
    const base = Date.UTC(2026, 11, 5, 5, 19, 3) * 1000;
    assert.equal(rx('"time":"2026-12-05T05:19:03.123456789Z"').rxpk[0]?.time, base + 123_456);
    assert.equal(rx('"time":"2026-12-05T05:19:03Z"').rxpk[0]?.time, base);
    assert.equal(rx('"time":"2026-12-05T07:19:03.5+02:00"').rxpk[0]?.time, base + 500_000);
    const iso = pushData('{"stat":{"time":"2026-12-05T05:19:03Z","rxnb":0}}');
    assert.deepEqual(iso.stat?.time, new Date(base / 1000));
    const utc = pushData('{"stat":{"time":"2026-12-05 05:19:03 UTC"}}');
    assert.deepEqual(utc.stat?.time, new Date(base / 1000));
  });

  it("ignores unknown rxpk fields and null, keeps free-form stat fields as extra", () => {
    assert.equal(rx('"jver":2,"custom":{"a":1},"chan":null').rxpk[0]?.channel, undefined);
    const packet = pushData(
      '{"stat":{"time":"2014-01-12 08:59:28 GMT","pfrm":"IMST + Rpi","mail":"a@b.c","desc":"roof","fpga":31,"dsp":31,"hal":"5.0.1","hver":{"fpga":1,"dsp0":2,"dsp1":3},"lpps":1,"lmok":4,"lmst":5,"lmnw":6,"boot":"2014-01-12 08:00:00 GMT","nested":{"x":1}}}',
    );
    const stat = packet.stat;
    assert.deepEqual({ ...stat?.extra }, { pfrm: "IMST + Rpi", mail: "a@b.c", desc: "roof" });
    assert.equal(stat?.halVersion, "5.0.1");
    assert.deepEqual(stat?.hardwareVersions, { fpga: 1, dsp0: 2, dsp1: 3 });
    assert.deepEqual(stat?.bootTime, new Date("2014-01-12T08:00:00Z"));
    assert.deepEqual(statusMaps(stat ?? {}), {
      metrics: {
        rxin: 0,
        rxok: 0,
        rxfw: 0,
        ackr: 0,
        txin: 0,
        txok: 0,
        lpps: 1,
        lmnw: 6,
        lmst: 5,
        lmok: 4,
      },
      versions: { fpga: "31", dsp: "31", hal: "5.0.1" },
    });
  });

  it("maps stat to GatewayStatus metrics as The Things Stack names them", () => {
    const packet = pushData(
      '{"stat":{"time":"2014-01-12 08:59:28 GMT","rxnb":2,"rxok":1,"rxfw":1,"ackr":50.0,"dwnb":3,"txnb":2,"temp":23.5}}',
    );
    assert.deepEqual(statusMaps(packet.stat ?? {}).metrics, {
      rxin: 2,
      rxok: 1,
      rxfw: 1,
      ackr: 50,
      txin: 3,
      txok: 2,
      temp: 23.5,
    });
  });

  it("reads protocol version 1 PUSH_DATA and PULL_DATA", () => {
    assert.equal(decoded(bytes("01000102aa555a0000000101")).version, 1);
    const packet = pushData(observedRxpk, "01000100aa555a0000000101");
    assert.equal(packet.version, 1);
    assert.equal(packet.rxpk.length, 2);
  });

  it("reads the header alone before any JSON", () => {
    assert.deepEqual(readHeader(bytes("02697300aa555a0000000101", "{not json")), {
      type: "push_data",
      version: 2,
      token: 0x6973,
      gatewayEui: "AA555A0000000101",
    });
  });
});

describe("semtech-udp decode: drops", () => {
  const reason = (datagram: Uint8Array) => {
    const result = decodeGatewayDatagram(datagram);
    assert.equal(result.type, "drop");
    return result;
  };

  it("drops bad headers by reason, with one shared object per reason", () => {
    const cases: [string, string, string][] = [
      ["", "", "too_short"],
      ["020000", "", "too_short"],
      ["02000000aa555a00000001", "", "too_short"],
      ["03000002aa555a0000000101", "", "bad_version"],
      ["00000002aa555a0000000101", "", "bad_version"],
      ["02000006aa555a0000000101", "", "unknown_type"],
      ["020000ffaa555a0000000101", "", "unknown_type"],
      ["01000005aa555a0000000101", "", "unknown_type"],
      ["02000001", "", "downstream_type"],
      ["02000003", '{"txpk":{}}', "downstream_type"],
      ["02000004", "", "downstream_type"],
      ["02000002aa555a000000010100", "", "too_long"],
      ["02000000aa555a0000000101", "", "bad_json"],
      ["02000000aa555a0000000101", "[]", "bad_json"],
      ["02000000aa555a0000000101", '{"rxpk":', "bad_json"],
      ["02000000aa555a0000000101", "null", "bad_json"],
      ["02000005aa555a0000000101", "garbage", "bad_json"],
      ["02000005aa555a0000000101", '{"txpk_ack":"TOO_LATE"}', "bad_field"],
      ["02000005aa555a0000000101", '{"txpk_ack":{"error":7}}', "bad_field"],
      ["02000000aa555a0000000101", '{"rxpk":{}}', "bad_field"],
    ];
    for (const [hex, json, expected] of cases) {
      const result = reason(bytes(hex, json));
      assert.equal(result.reason, expected, `${hex} ${json}`);
      assert.ok(result.reason in DROP_REASONS);
    }
    assert.equal(decodeGatewayDatagram(bytes("09")), decodeGatewayDatagram(bytes("07")));
  });

  it("keeps the good rxpk of a PUSH_DATA and reports each bad one", () => {
    const packet = pushData(
      `{"rxpk":[
        {"tmst":1,"freq":868.1,"datr":"SF7BW125","size":2,"data":"AQI="},
        {"tmst":2,"freq":868.1,"datr":"SF7BW125","size":3,"data":"AQI="},
        {"tmst":3,"datr":"SF7BW125","data":"AQI="},
        {"tmst":-1,"freq":868.1,"datr":"SF7BW125","data":"AQI="},
        {"tmst":4294967296,"freq":868.1,"datr":"SF7BW125","data":"AQI="},
        {"tmst":5,"freq":868.1,"datr":"SF7BW125","data":"AQ*I"},
        {"tmst":6,"freq":868.1,"datr":"SF7BW999X","data":"AQI="},
        {"tmst":7,"freq":868.1,"modu":"FSK","datr":"SF7BW125","data":"AQI="},
        {"tmst":8,"freq":"868.1","datr":"SF7BW125","data":"AQI="},
        {"tmst":9,"freq":868.1,"datr":"SF7BW125","stat":2,"data":"AQI="},
        {"tmst":10,"freq":868.1,"datr":"SF7BW125","time":"yesterday","data":"AQI="},
        {"tmst":11,"freq":868.1,"datr":"SF7BW125","time":"2026-02-30T00:00:00Z","data":"AQI="},
        {"tmst":11,"freq":868.1,"datr":"SF7BW125","time":"0099-01-01T00:00:00Z","data":"AQI="},
        {"tmst":12,"freq":868.1,"datr":"SF7BW125"},
        "rxpk",
        {"tmst":13,"freq":868.1,"datr":"SF7BW125","data":"AQI=","rsig":[{"ant":"0"}]},
        {"tmst":14,"freq":868.3,"datr":"SF8BW125","data":"AQID"}
      ],"stat":{"time":"12 Jan 2014"}}`,
    );
    assert.deepEqual(
      packet.rxpk.map((rx) => rx.timestamp),
      [1, 14],
    );
    assert.deepEqual(
      packet.drops.map((d) => [d.part, d.index, d.reason, d.field]),
      [
        ["rxpk", 1, "size_mismatch", "rxpk.size"],
        ["rxpk", 2, "missing_field", "rxpk.freq"],
        ["rxpk", 3, "bad_field", "rxpk.tmst"],
        ["rxpk", 4, "bad_field", "rxpk.tmst"],
        ["rxpk", 5, "bad_field", "rxpk.data"],
        ["rxpk", 6, "bad_field", "rxpk.datr"],
        ["rxpk", 7, "bad_field", "rxpk.modu"],
        ["rxpk", 8, "bad_field", "rxpk.freq"],
        ["rxpk", 9, "bad_field", "rxpk.stat"],
        ["rxpk", 10, "bad_field", "rxpk.time"],
        ["rxpk", 11, "bad_field", "rxpk.time"],
        ["rxpk", 12, "bad_field", "rxpk.time"],
        ["rxpk", 13, "missing_field", "rxpk.data"],
        ["rxpk", 14, "bad_field", "rxpk"],
        ["rxpk", 15, "bad_field", "rxpk.rsig.ant"],
        ["stat", 0, "bad_field", "stat.time"],
      ],
    );
    assert.equal(packet.stat, undefined);
  });

  it("refuses padding that does not complete a group and a lone base64 character", () => {
    for (const data of ["A", "AQI==", "AQ=", "A===", "=", "AQ=I"]) {
      const packet = pushData(`{"rxpk":[{"freq":868.1,"datr":"SF7BW125","data":"${data}"}]}`);
      assert.deepEqual(
        packet.drops.map((d) => d.field),
        ["rxpk.data"],
        data,
      );
    }
  });
});

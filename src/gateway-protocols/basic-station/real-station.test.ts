// The codec against the real LoRa Basics Station 2.0.6 (../shared/peers): a small LNS made of
// `ws` and this codec answers discovery and version with the router_config we build, station's
// uplinks are parsed and reassembled into the exact PHYPayloads injected into its radio, and a
// class A dnmsg built here is transmitted at the uplink time + RxDelay and confirmed by dntxed.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { WebSocketServer } from "ws";
import { sharedSkipReason, skipOutsideCi } from "../../../test/harness/ci.ts";
import {
  type CommonDriver,
  loadPeerDriver,
  type Station,
  type StationDriver,
} from "../../../test/harness/peer-drivers.ts";
import { encodePhyPayload } from "../../lorawan/codec/index.ts";
import { getFrequencyPlan } from "../../lorawan/frequency-plans/index.ts";
import { encodeRouterInfoResponse, parseRouterInfoRequest, parseTrafficPath } from "./discovery.ts";
import { encodeDownlinkMessage } from "./downstream.ts";
import { buildRouterConfig, encodeRouterConfig } from "./router-config.ts";
import { formatHexEui } from "./station-id.ts";
import type {
  JoinRequestMessage,
  TxConfirmationMessage,
  UplinkDataMessage,
  UpstreamMessage,
} from "./upstream.ts";
import { parseUpstream } from "./upstream.ts";
import { xtimeAfter, xtimeTicks } from "./xtime.ts";

let skip = sharedSkipReason("peers");
let common: CommonDriver | undefined;
let stationModule: StationDriver | undefined;
if (skip === undefined) {
  common = await loadPeerDriver("common.mjs");
  stationModule = await loadPeerDriver("station.mjs");
  const build = common.buildPeers({ peers: "station" });
  if (!build.ok) skip = skipOutsideCi(build.skip);
}

/** A minimal LNS: discovery and traffic on one port, every upstream message parsed. */
class TestLns {
  readonly server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  readonly messages: UpstreamMessage[] = [];
  readonly drops: string[] = [];
  readonly trafficPaths: string[] = [];
  readonly configs: string[] = [];
  private waiters: (() => void)[] = [];
  traffic: import("ws").WebSocket | undefined;

  constructor(planId: string) {
    this.server.on("connection", (socket, request) => {
      const path = request.url ?? "";
      socket.on("message", (data) => {
        const text = data.toString();
        if (path === "/router-info") {
          const query = parseRouterInfoRequest(text);
          assert.ok(query.ok, `router-info request ${text}`);
          socket.send(
            encodeRouterInfoResponse({
              eui: query.eui,
              scheme: "ws",
              host: `127.0.0.1:${this.port}`,
            }),
          );
          return;
        }
        const result = parseUpstream(text);
        if (!result.ok) {
          this.drops.push(`${result.reason} ${text}`);
          return;
        }
        if (result.message.msgtype === "version") {
          this.traffic = socket;
          const config = buildRouterConfig([getFrequencyPlan(planId)], {
            muxTime: Date.now() / 1000,
            production: result.message.production,
          });
          const text = encodeRouterConfig(config);
          this.configs.push(text);
          socket.send(text);
        }
        this.messages.push(result.message);
        for (const wake of this.waiters.splice(0)) wake();
      });
      this.trafficPaths.push(path);
    });
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === "object" && address !== null ? address.port : 0;
  }

  async listening(): Promise<void> {
    if (this.port === 0) await new Promise((resolve) => this.server.once("listening", resolve));
  }

  /** The first message (at index ≥ since) that matches. */
  async next<T extends UpstreamMessage>(
    match: (message: UpstreamMessage) => message is T,
    since = 0,
  ): Promise<T> {
    for (;;) {
      const found = this.messages.slice(since).find(match);
      if (found !== undefined) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): void {
    for (const client of this.server.clients) client.terminate();
    this.server.close();
  }
}

const isJoin = (m: UpstreamMessage): m is JoinRequestMessage => m.msgtype === "jreq";
const isData = (m: UpstreamMessage): m is UplinkDataMessage => m.msgtype === "updf";
const isTxed = (m: UpstreamMessage): m is TxConfirmationMessage => m.msgtype === "dntxed";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

interface Case {
  readonly planId: string;
  readonly region: string;
  readonly join: {
    freq: number;
    sf: 7 | 8 | 9 | 10 | 11 | 12;
    bw: 125 | 250 | 500;
    dataRate: number;
  };
  readonly data: {
    freq: number;
    sf: 7 | 8 | 9 | 10 | 11 | 12;
    bw: 125 | 250 | 500;
    dataRate: number;
  };
  /** RX1 of the data uplink, and the radio's datr for it. */
  readonly rx1: { dataRate: number; frequency: number; datr: string };
  readonly rx2: { dataRate: number; frequency: number };
}

const cases: readonly Case[] = [
  {
    planId: "EU_863_870",
    region: "EU868",
    join: { freq: 867.1, sf: 12, bw: 125, dataRate: 0 },
    data: { freq: 868.3, sf: 7, bw: 125, dataRate: 5 },
    rx1: { dataRate: 5, frequency: 868_300_000, datr: "SF7BW125" },
    rx2: { dataRate: 0, frequency: 869_525_000 },
  },
  {
    planId: "US_902_928_FSB_2",
    region: "US915",
    join: { freq: 903.9, sf: 10, bw: 125, dataRate: 0 },
    data: { freq: 904.1, sf: 7, bw: 125, dataRate: 3 },
    rx1: { dataRate: 13, frequency: 923_900_000, datr: "SF7BW500" },
    rx2: { dataRate: 8, frequency: 923_300_000 },
  },
];

for (const testCase of cases) {
  describe(`with the real Basics Station 2.0.6, ${testCase.planId}`, {
    skip,
    timeout: 60_000,
  }, () => {
    let lns: TestLns;
    let station: Station;
    const routerEui = "00-16-C0-01-FF-FE-00-01";

    before(async () => {
      lns = new TestLns(testCase.planId);
      await lns.listening();
      station = await (stationModule as StationDriver).startStation({
        tcUri: `ws://127.0.0.1:${lns.port}`,
        routerEui,
        logLevel: "INFO",
      });
      await station.radio.connected;
    });

    after(async () => {
      await station?.stop();
      lns?.close();
    });

    it("discovers the traffic endpoint by the station's EUI and accepts our router_config", () => {
      assert.deepEqual(lns.trafficPaths.slice(-1), ["/traffic/eui-0016C001FFFE0001"]);
      const eui = parseTrafficPath(lns.trafficPaths.at(-1) ?? "");
      assert.equal(eui && formatHexEui(eui), "0016C001FFFE0001");
      assert.equal(lns.messages[0]?.msgtype, "version");
      assert.ok(lns.configs[0]?.includes(`"region":"${testCase.region}"`));
    });

    it("sends a join-request that reassembles to the injected PHYPayload", async () => {
      const frame = encodePhyPayload({
        mType: "joinRequest",
        joinEui: Buffer.from("70b3d57ed0000001", "hex"),
        devEui: Buffer.from("a8404100018a2e77", "hex"),
        devNonce: 0xbeef,
        mic: Uint8Array.of(0xfe, 0xdc, 0xba, 0x98),
      });
      const since = lns.messages.length;
      const up = station.radio.uplink({ ...testCase.join, data: frame, rssi: -101, snr: -4.5 });
      const jreq = await lns.next(isJoin, since);
      assert.equal(hex(jreq.phyPayload), hex(frame));
      assert.equal(jreq.mic, -0x67452302 | 0);
      assert.equal(jreq.dataRate, testCase.join.dataRate);
      assert.equal(jreq.frequency, Math.round(testCase.join.freq * 1e6));
      assert.equal(xtimeTicks(jreq.upInfo.xtime), BigInt(up.xticks));
      assert.equal(jreq.upInfo.rssi, -101);
    });

    it("sends a data uplink that reassembles exactly, and transmits our class A dnmsg in RX1", async () => {
      const frame = encodePhyPayload({
        mType: "confirmedDataUp",
        devAddr: Buffer.from("fe0a0b0c", "hex"),
        fCtrl: { adr: true, adrAckReq: false, ack: false, classB: false },
        fCnt: 0x1234,
        fOpts: Uint8Array.of(0x02),
        fPort: 42,
        frmPayload: Buffer.from("0102030405", "hex"),
        mic: Uint8Array.of(0x11, 0x22, 0x33, 0xc4),
      });
      const since = lns.messages.length;
      const up = station.radio.uplink({ ...testCase.data, data: frame });
      const updf = await lns.next(isData, since);
      assert.equal(hex(updf.phyPayload), hex(frame));
      assert.equal(updf.devAddr, 0xfe0a0b0c);
      assert.equal(updf.dataRate, testCase.data.dataRate);
      assert.equal(xtimeTicks(updf.upInfo.xtime), BigInt(up.xticks));

      const pdu = Buffer.from("600403020100010001cafe55667788", "hex");
      const txSince = station.radio.events.length;
      lns.traffic?.send(
        encodeDownlinkMessage({
          kind: "class-a",
          devEui: Buffer.from("a8404100018a2e77", "hex"),
          diid: 4711n,
          pdu,
          // RX1 five seconds after the uplink (a join's RX1 delay): room for a loaded machine,
          // where one second sometimes passed before the station had the message (it then
          // rightly fell back to RX2).
          rxDelay: 5,
          xtime: updf.upInfo.xtime,
          rctx: updf.upInfo.rctx,
          rx1: { dataRate: testCase.rx1.dataRate, frequency: testCase.rx1.frequency },
          rx2: testCase.rx2,
          muxTime: Date.now() / 1000,
        }),
      );
      const tx = await station.radio.nextTx(
        9000,
        (e) => e.data === pdu.toString("base64"),
        txSince,
      );
      assert.equal(tx.freq_hz, testCase.rx1.frequency);
      assert.equal(tx.datr, testCase.rx1.datr);
      // Station converts xtime through its own clock sync: within the LoRaWAN RX window tolerance.
      const error = ((tx.count_us - up.count_us - 5_000_000 + 2 ** 31) % 2 ** 32) - 2 ** 31;
      assert.ok(Math.abs(error) <= 20, `TX ${error} µs off uplink + 5 s`);

      const txed = await lns.next(isTxed, since);
      assert.equal(txed.diid, 4711n);
      assert.equal(txed.xtime, xtimeAfter(updf.upInfo.xtime, 5_000_000), "xtime echoed exactly");
      assert.equal(txed.dataRate, testCase.rx1.dataRate);
      assert.equal(txed.frequency, testCase.rx1.frequency);
      assert.equal(hex(txed.devEui ?? new Uint8Array()), "a8404100018a2e77");
      assert.deepEqual(lns.drops, []);
    });
  });
}

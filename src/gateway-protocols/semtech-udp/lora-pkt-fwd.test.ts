// The codec against the real Semtech lora_pkt_fwd 4.0.1 (../shared/peers), on its fake radio:
// we decode exactly what it sends and it accepts (or refuses) exactly what we encode.
import assert from "node:assert/strict";
import { createSocket, type RemoteInfo } from "node:dgram";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { sharedPath, sharedSkipReason, skipOutsideCi } from "../../../test/harness/ci.ts";
import {
  decodeGatewayDatagram,
  encodePullAck,
  encodePullResp,
  encodePushAck,
  type GatewayPacket,
  type PushData,
  type TxAckPacket,
  type TxPacket,
} from "./index.ts";

// The few parts of ../shared/peers/lib/*.mjs used here (declared there in *.d.mts).
interface RadioTx {
  count_us: number;
  freq_hz: number;
  powe: number;
  datr: string;
  codr: string;
  ipol: boolean;
  ncrc: boolean;
  prea: number;
  data: string;
}
interface PktFwd {
  gatewayEui: string;
  radio: {
    events: { length: number };
    time(): Promise<number>;
    uplink(
      up: Record<string, unknown>,
    ): Promise<{ tmst: number; if_chain: number; rf_chain: number }>;
    nextTx(timeoutMs: number, pred: (tx: RadioTx) => boolean, since?: number): Promise<RadioTx>;
  };
  stop(): Promise<void>;
}
interface PeersLib {
  startPktFwd(options: Record<string, unknown>): Promise<PktFwd>;
  eu868SX1301Conf(): Record<string, Record<string, unknown>>;
}
interface CommonLib {
  buildPeers(options: { peers: "pktfwd" }): { ok: true } | { ok: false; skip: string };
}

/** The server end: decodes every datagram, acks PUSH_DATA and PULL_DATA, lets tests wait. */
class Server {
  readonly socket = createSocket("udp4");
  readonly packets: { packet: GatewayPacket; length: number }[] = [];
  /** Datagrams the codec dropped: the forwarder's must all decode. */
  readonly dropped: string[] = [];
  downlinkAddress: RemoteInfo | undefined;
  private waiters: (() => void)[] = [];

  async start(): Promise<number> {
    this.socket.on("message", (message, remote) => {
      const packet = decodeGatewayDatagram(message);
      if (packet.type === "drop") {
        this.dropped.push(`${packet.reason}: ${message.toString("hex")}`);
        return;
      }
      if (packet.type === "push_data") this.reply(encodePushAck(packet.token), remote);
      if (packet.type === "pull_data") {
        this.downlinkAddress = remote;
        this.reply(encodePullAck(packet.token), remote);
      }
      this.packets.push({ packet, length: message.length });
      for (const wake of this.waiters.splice(0)) wake();
    });
    await new Promise<void>((resolve) => this.socket.bind(0, "127.0.0.1", resolve));
    return this.socket.address().port;
  }

  reply(datagram: Uint8Array, remote: RemoteInfo): void {
    this.socket.send(datagram, remote.port, remote.address);
  }

  /** The first packet from index `since` on that matches, already received or to come. */
  async next<T extends GatewayPacket>(
    match: (packet: GatewayPacket) => packet is T,
    since = 0,
    timeoutMs = 10_000,
  ): Promise<{ packet: T; length: number }> {
    const deadline = AbortSignal.timeout(timeoutMs);
    for (let index = since; ; ) {
      for (; index < this.packets.length; index++) {
        const entry = this.packets[index] as { packet: GatewayPacket; length: number };
        if (match(entry.packet)) return entry as { packet: T; length: number };
      }
      await new Promise<void>((resolve, reject) => {
        this.waiters.push(resolve);
        deadline.addEventListener("abort", () => reject(new Error("no matching packet")), {
          once: true,
        });
      });
    }
  }

  async downlink(token: number, txpk: TxPacket): Promise<TxAckPacket> {
    const since = this.packets.length;
    const remote = this.downlinkAddress;
    assert.ok(remote, "no PULL_DATA yet");
    this.reply(encodePullResp(token, txpk), remote);
    const isAck = (p: GatewayPacket): p is TxAckPacket => p.type === "tx_ack" && p.token === token;
    return (await this.next(isAck, since)).packet;
  }
}

const isPush = (p: GatewayPacket): p is PushData => p.type === "push_data";
const payloadA = Buffer.from("400403020180010001deadbeef11223344", "hex");
const payloadB = Buffer.from("00080706050403020111223344556677883412a1b2c3d4", "hex");
const downlink = Buffer.from("6004030201000100" + "01cafe55667788", "hex");

describe("semtech-udp with the real lora_pkt_fwd 4.0.1", () => {
  let skip = sharedSkipReason("peers/lib/pktfwd.mjs");
  let gateway: PktFwd | undefined;
  const server = new Server();

  before(async () => {
    if (skip !== undefined) return;
    const common = (await import(
      pathToFileURL(sharedPath("peers/lib/common.mjs")).href
    )) as CommonLib;
    const built = common.buildPeers({ peers: "pktfwd" });
    if (!built.ok) {
      skip = skipOutsideCi(built.skip);
      return;
    }
    const peers = (await import(
      pathToFileURL(sharedPath("peers/lib/pktfwd.mjs")).href
    )) as PeersLib;
    const sx1301Conf = peers.eu868SX1301Conf();
    // A wider TX range, to send a frequency the forwarder's truncating read would get wrong.
    Object.assign(sx1301Conf.radio_0 as object, {
      tx_freq_min: 400_000_000,
      tx_freq_max: 1_000_000_000,
    });
    const port = await server.start();
    gateway = await peers.startPktFwd({
      serverPort: port,
      keepaliveS: 1,
      statIntervalS: 2,
      sx1301Conf,
    });
  });

  after(async () => {
    await gateway?.stop();
    server.socket.close();
  });

  it("reads its PULL_DATA", async (t) => {
    if (skip !== undefined) return t.skip(skip);
    const isPull = (p: GatewayPacket) => p.type === "pull_data";
    const { packet, length } = await server.next(
      isPull as (p: GatewayPacket) => p is GatewayPacket,
    );
    assert.equal(length, 12);
    assert.deepEqual(
      { ...packet, token: 0 },
      {
        type: "pull_data",
        version: 2,
        token: 0,
        gatewayEui: "AA555A0000000101",
      },
    );
  });

  it("reads a PUSH_DATA with one rxpk, then one with several", async (t) => {
    if (skip !== undefined || gateway === undefined) return t.skip(skip);
    const radio = gateway.radio;
    let since = server.packets.length;
    const rx = await radio.uplink({
      freq: 868.1,
      datr: "SF7BW125",
      data: payloadA,
      rssi: -57,
      lsnr: 7.5,
    });
    const single = await server.next(
      (p): p is PushData => isPush(p) && p.rxpk.some((r) => r.timestamp === rx.tmst),
      since,
    );
    assert.equal(single.packet.gatewayEui, "AA555A0000000101");
    assert.deepEqual(single.packet.drops, []);
    const sent = (rx: object) =>
      Object.fromEntries(Object.entries(rx).filter(([, v]) => v !== undefined));
    assert.deepEqual(single.packet.rxpk.map(sent), [
      {
        timestamp: rx.tmst,
        channel: rx.if_chain,
        rfChain: rx.rf_chain,
        frequency: 868_100_000,
        crcStatus: 1,
        dataRate: { modulation: "LORA", spreadingFactor: 7, bandwidth: 125_000 },
        codingRate: "4/5",
        snr: 7.5,
        rssi: -57,
        payload: new Uint8Array(payloadA),
      },
    ]);
    // Uplinks in the same ~10 ms poll share a PUSH_DATA; a few tries in case one straddles it.
    for (let attempt = 0; ; attempt++) {
      since = server.packets.length;
      const [first, second] = await Promise.all([
        radio.uplink({ freq: 868.3, datr: "SF12BW125", data: payloadB, rssi: -101, lsnr: -4.5 }),
        radio.uplink({
          freq: 867.5,
          datr: "SF9BW125",
          codr: "4/7",
          data: payloadA,
          rssi: -80,
          lsnr: 2,
        }),
      ]);
      const push = await server.next(
        (p): p is PushData => isPush(p) && p.rxpk.some((r) => r.timestamp === first.tmst),
        since,
      );
      if (push.packet.rxpk.length < 2 && attempt < 5) continue;
      const byStamp = new Map(push.packet.rxpk.map((r) => [r.timestamp, r]));
      const a = byStamp.get(first.tmst);
      const b = byStamp.get(second.tmst);
      assert.equal(a?.frequency, 868_300_000);
      assert.deepEqual(a?.dataRate, {
        modulation: "LORA",
        spreadingFactor: 12,
        bandwidth: 125_000,
      });
      assert.equal(a?.snr, -4.5);
      assert.deepEqual(a?.payload, new Uint8Array(payloadB));
      assert.equal(b?.frequency, 867_500_000);
      assert.equal(b?.codingRate, "4/7");
      assert.equal(b?.time, undefined, "no GPS, so no time");
      break;
    }
  });

  it("reads its stat", async (t) => {
    if (skip !== undefined) return t.skip(skip);
    const since = server.packets.length;
    const { packet } = await server.next(
      (p): p is PushData => isPush(p) && p.stat !== undefined,
      since,
    );
    const stat = packet.stat;
    assert.ok(stat?.time instanceof Date);
    assert.ok(Math.abs(stat.time.getTime() - Date.now()) < 60_000, String(stat.time));
    assert.equal(stat.latitude, undefined);
    for (const counter of [
      "received",
      "receivedOk",
      "forwarded",
      "downlinksReceived",
      "transmitted",
    ] as const) {
      assert.ok(Number.isInteger(stat[counter]), counter);
    }
    assert.equal(typeof stat.acknowledgedPercent, "number");
    assert.deepEqual(packet.drops, []);
  });

  it("transmits an accepted PULL_RESP exactly and answers a bare TX_ACK", async (t) => {
    if (skip !== undefined || gateway === undefined) return t.skip(skip);
    const radio = gateway.radio;
    for (const frequency of [869_525_000, 512_000_200]) {
      const timestamp = ((await radio.time()) + 400_000) >>> 0;
      const since = radio.events.length;
      const ack = await server.downlink(0x1000 + (frequency % 1000), {
        timestamp,
        frequency,
        power: 14,
        dataRate: { modulation: "LORA", spreadingFactor: 9, bandwidth: 125_000 },
        codingRate: "4/6",
        invertPolarization: true,
        noCrc: true,
        payload: downlink,
      });
      assert.deepEqual(ack.ack, { error: "NONE" });
      const last = server.packets.at(-1);
      assert.equal(last?.length, 12, "the forwarder sends no JSON on success");
      const tx = await radio.nextTx(5000, (e) => e.count_us === timestamp, since);
      assert.equal(tx.freq_hz, frequency);
      assert.equal(tx.powe, 14);
      assert.equal(tx.datr, "SF9BW125");
      assert.equal(tx.codr, "4/6");
      assert.equal(tx.ipol, true);
      assert.equal(tx.ncrc, true);
      assert.equal(tx.data, downlink.toString("base64"));
    }
  });

  it("reads the TX_ACK errors of refused PULL_RESPs", async (t) => {
    if (skip !== undefined || gateway === undefined) return t.skip(skip);
    const radio = gateway.radio;
    const base = {
      frequency: 868_100_000,
      power: 14,
      dataRate: { modulation: "LORA", spreadingFactor: 7, bandwidth: 125_000 },
      payload: downlink,
    } as const;
    const soon = ((await radio.time()) + 400_000) >>> 0;
    const power = await server.downlink(0x2001, { ...base, timestamp: soon, power: 15 });
    assert.deepEqual(power.ack, { error: "TX_POWER" });
    const past = ((await radio.time()) - 1000) >>> 0;
    const early = await server.downlink(0x2002, { ...base, timestamp: past });
    assert.deepEqual(early.ack, { error: "TOO_EARLY" });
    const later = ((await radio.time()) + 400_000) >>> 0;
    const frequency = await server.downlink(0x2003, {
      ...base,
      timestamp: later,
      frequency: 2_400_000_000,
    });
    assert.deepEqual(frequency.ack, { error: "TX_FREQ" });
  });

  it("decoded every datagram the forwarder sent", (t) => {
    if (skip !== undefined) return t.skip(skip);
    assert.ok(server.packets.length > 5);
    assert.deepEqual(server.dropped, []);
  });
});

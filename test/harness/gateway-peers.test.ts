import assert from "node:assert/strict";
import { createSocket, type RemoteInfo } from "node:dgram";
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  gatewayPeersSkipReason,
  startBasicsStation,
  startPacketForwarder,
} from "./gateway-peers.ts";
import { loadPeerDriver } from "./peer-drivers.ts";

const skip = await gatewayPeersSkipReason();

/** A data uplink (unconfirmed, DevAddr 01020304, FCnt 10), as the peers' self-test sends. */
const uplinkHex = "40040302018000000a01deadbeef11223344";
const downlinkB64 = "YAQDAgEAAQAByv5VZneI";

/** The datagrams a UDP socket receives, awaited one by one. */
function datagrams(socket: ReturnType<typeof createSocket>) {
  const queue: { message: Buffer; from: RemoteInfo }[] = [];
  const waiting: ((value: { message: Buffer; from: RemoteInfo }) => void)[] = [];
  socket.on("message", (message, from) => {
    const next = waiting.shift();
    if (next) next({ message, from });
    else queue.push({ message, from });
  });
  return async (type: number) => {
    for (;;) {
      const datagram =
        queue.shift() ??
        (await new Promise<{ message: Buffer; from: RemoteInfo }>((r) => waiting.push(r)));
      if (datagram.message[3] === type) return datagram;
    }
  };
}

describe("gateway peers: lora_pkt_fwd", { skip }, () => {
  const socket = createSocket("udp4");
  after(() => socket.close());

  it("starts pointed at a server, forwards an uplink and transmits a PULL_RESP", async () => {
    socket.bind(0, "127.0.0.1");
    await once(socket, "listening");
    const next = datagrams(socket);
    const gateway = await startPacketForwarder({
      server: { port: socket.address().port },
      eui: "AA555A0000000102",
    });
    try {
      assert.equal(gateway.eui, "AA555A0000000102");
      const pull = await next(2);
      assert.equal(pull.message.subarray(4, 12).toString("hex"), "aa555a0000000102");
      // PULL_ACK, so the forwarder keeps its downlink path.
      socket.send(
        Buffer.from([2, pull.message[1] as number, pull.message[2] as number, 4]),
        pull.from.port,
      );
      const rx = await gateway.uplink({ freq: 868.3, datr: "SF9BW125", hex: uplinkHex });
      const push = await next(0);
      const json = JSON.parse(push.message.subarray(12).toString()) as {
        rxpk: { tmst: number; freq: number; datr: string; data: string }[];
      };
      assert.equal(json.rxpk[0]?.tmst, rx.tmst);
      assert.equal(json.rxpk[0]?.freq, 868.3);
      assert.equal(Buffer.from(json.rxpk[0]?.data ?? "", "base64").toString("hex"), uplinkHex);
      const txpk = {
        imme: false,
        tmst: (rx.tmst + 1_000_000) >>> 0,
        freq: 868.3,
        rfch: 0,
        powe: 14,
        modu: "LORA",
        datr: "SF9BW125",
        codr: "4/5",
        ipol: true,
        size: 15,
        data: downlinkB64,
      };
      const resp = Buffer.concat([
        Buffer.from([2, 0, 1, 3]),
        Buffer.from(JSON.stringify({ txpk })),
      ]);
      socket.send(resp, pull.from.port);
      const ack = await next(5);
      assert.equal(ack.message.length, 12, "a bare TX_ACK: accepted");
      const tx = await gateway.nextTransmission();
      assert.equal(tx.count_us, txpk.tmst);
      assert.equal(tx.data, downlinkB64);
      await assert.rejects(
        gateway.nextTransmission({ timeoutMs: 100 }),
        "each call returns the next one",
      );
    } finally {
      await gateway.stop();
    }
  });

  it("runs with a given global_conf.json as it is", async () => {
    const { eu868SX1301Conf } = await loadPeerDriver("pktfwd.mjs");
    const receiver = createSocket("udp4");
    receiver.bind(0, "127.0.0.1");
    await once(receiver, "listening");
    const next = datagrams(receiver);
    const globalConf = `${JSON.stringify({
      SX1301_conf: eu868SX1301Conf(),
      gateway_conf: {
        gateway_ID: "AA555A0000000103",
        server_address: "127.0.0.1",
        serv_port_up: receiver.address().port,
        serv_port_down: receiver.address().port,
      },
    })}\n`;
    const gateway = await startPacketForwarder({ globalConf });
    try {
      assert.equal(gateway.eui, "AA555A0000000103");
      assert.equal(await readFile(join(gateway.workDir, "global_conf.json"), "utf8"), globalConf);
      const pull = await next(2);
      assert.equal(pull.message.subarray(4, 12).toString("hex"), "aa555a0000000103");
    } finally {
      await gateway.stop();
      receiver.close();
    }
  });
});

describe("gateway peers: Basics Station", { skip }, () => {
  it("connects to an LNS, sends an uplink as updf and transmits a dnmsg", async () => {
    const { WsLns } = await loadPeerDriver("mocklns.mjs");
    const lns = await new WsLns().start();
    const station = await startBasicsStation({ tcUri: lns.uri, logLevel: "INFO" });
    try {
      await station.connected;
      station.uplink({ freq: 867.1, sf: 7, hex: uplinkHex });
      const updf = await lns.events.wait((e) => e.msg?.msgtype === "updf", 5000);
      assert.equal(updf.msg.DevAddr, 0x01020304);
      lns.send({
        msgtype: "dnmsg",
        DevEui: "00-00-00-00-00-00-00-01",
        dC: 0,
        diid: 7,
        pdu: Buffer.from(downlinkB64, "base64").toString("hex"),
        // RX1 three seconds after the uplink: a loaded machine must still make it (with one
        // second the station may rightly fall back to RX2).
        RxDelay: 3,
        RX1DR: 5,
        RX1Freq: 867100000,
        RX2DR: 0,
        RX2Freq: 869525000,
        priority: 0,
        xtime: updf.msg.upinfo?.xtime,
        rctx: updf.msg.upinfo?.rctx,
        MuxTime: Date.now() / 1000,
      });
      const tx = await station.nextTransmission();
      assert.equal(tx.data, downlinkB64);
      assert.equal(tx.freq_hz, 867100000);
    } finally {
      await station.stop();
      lns.close();
    }
  });
});

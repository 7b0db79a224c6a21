import assert from "node:assert/strict";
import { createSocket, type RemoteInfo } from "node:dgram";
import { after, before, describe, it } from "node:test";
import { encodePullAck, encodePullResp } from "../../gateway-protocols/semtech-udp/index.ts";
import { ConcentratorCounter } from "./concentrator-counter.ts";
import { UdpGateway } from "./udp-gateway.ts";

const clock = () => performance.now();
const server = createSocket("udp4");
const datagrams: { data: Buffer; from: RemoteInfo }[] = [];
let waiters: (() => void)[] = [];
let gateway: UdpGateway;

server.on("message", (data, from) => {
  datagrams.push({ data, from });
  if (data[3] === 2) server.send(encodePullAck(data.readUInt16BE(1)), from.port, from.address);
  for (const wake of waiters) wake();
  waiters = [];
});

/** The next datagram of `type` (byte 3) the gateway sends. */
async function next(type: number) {
  for (;;) {
    const index = datagrams.findIndex((datagram) => datagram.data[3] === type);
    if (index >= 0) return datagrams.splice(index, 1)[0] as { data: Buffer; from: RemoteInfo };
    await new Promise<void>((resolve) => waiters.push(resolve));
  }
}

function pullResp(token: number, tmst: number) {
  return encodePullResp(token, {
    timestamp: tmst,
    frequency: 869_525_000,
    dataRate: { modulation: "LORA", spreadingFactor: 9, bandwidth: 125_000 },
    invertPolarization: true,
    power: 14,
    payload: Uint8Array.of(0x60, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11),
  });
}

describe("UdpGateway", () => {
  before(async () => {
    await new Promise<void>((resolve) => server.bind(0, "127.0.0.1", resolve));
    gateway = new UdpGateway({
      id: "g",
      eui: "AA555A0000000001",
      host: "127.0.0.1",
      port: server.address().port,
      clock,
      counterOffset: 0xffff_0000,
      keepAliveMs: 100,
    });
    await gateway.start();
  });

  after(async () => {
    await gateway.stop();
    server.close();
  });

  it("batches the receptions of one moment into one PUSH_DATA with tmst from the counter", async () => {
    const endedAt = clock();
    for (const snr of [7, -3, -12]) {
      gateway.receive({
        phyPayload: Uint8Array.of(0x40, 1, 2, 3, 4, 0, 1, 0, 9, 9, 9, 9),
        frequencyHz: 868_300_000,
        rate: { spreadingFactor: 10, bandwidth: 125_000 },
        endedAt,
        rssi: -101,
        snr,
      });
    }
    const push = await next(0);
    const body = JSON.parse(push.data.subarray(12).toString());
    assert.equal(body.rxpk.length, 3);
    const [first] = body.rxpk;
    assert.equal(first.tmst, new ConcentratorCounter(clock, 0xffff_0000).timestamp(endedAt));
    assert.equal(first.freq, 868.3);
    assert.equal(first.datr, "SF10BW125");
    assert.equal(first.codr, "4/5");
    assert.equal(first.rssi, -101);
    assert.deepEqual(
      body.rxpk.map((rxpk: { lsnr: number }) => rxpk.lsnr),
      [7, -3, -12],
    );
    assert.equal(first.size, 12);
  });

  it("answers TX_ACK NONE, COLLISION_PACKET and TOO_LATE, and transmits at the tmst", async () => {
    const pull = await next(2);
    const to = (datagram: Uint8Array) => server.send(datagram, pull.from.port, pull.from.address);
    const startsAt = clock() + 300;
    const tmst = gateway.counter.timestamp(startsAt);
    const transmitted = new Promise<number>((resolve) =>
      gateway.onTransmit((d) => resolve(d.startsAt)),
    );
    to(pullResp(0x1001, tmst));
    const ok = await next(5);
    assert.equal(ok.data.readUInt16BE(1), 0x1001);
    assert.equal(ok.data.length, 12, "success is a bare TX_ACK");
    to(pullResp(0x1002, (tmst + 10_000) >>> 0));
    const collision = await next(5);
    assert.match(collision.data.subarray(12).toString(), /COLLISION_PACKET/);
    to(pullResp(0x1003, gateway.counter.timestamp(clock() - 50)));
    const late = await next(5);
    assert.match(late.data.subarray(12).toString(), /TOO_LATE/);
    const at = await transmitted;
    assert.ok(Math.abs(at - startsAt) < 0.01, "emitted with the tmst's clock time");
    assert.ok(clock() >= startsAt - 1, "not before its time");
    assert.equal(gateway.stats.refused, 2);
  });

  it("drops malformed server datagrams", async () => {
    const pull = await next(2);
    const dropped = gateway.stats.dropped;
    server.send(Buffer.from([2, 0, 1, 3, 0x7b]), pull.from.port, pull.from.address);
    server.send(Buffer.from([9, 9]), pull.from.port, pull.from.address);
    // Loopback keeps the order: once this one is answered, the two before it were read.
    server.send(
      pullResp(0x2001, gateway.counter.timestamp(clock() - 50)),
      pull.from.port,
      pull.from.address,
    );
    await next(5);
    assert.equal(gateway.stats.dropped, dropped + 2);
  });
});

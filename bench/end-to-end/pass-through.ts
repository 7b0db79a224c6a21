/**
 * The pass-through floor, a tiny program of its own: Semtech UDP in → JSON.parse → for each
 * rxpk a JSON message published on an embedded aedes broker → MQTT out. No LoRaWAN work, no
 * storage, no deduplication: what moving an uplink from a gateway to an integration costs in
 * Node with the same libraries. Prints `{"udp":"…","mqtt":"…"}` once listening.
 * Each rxpk becomes its own message on `v3/bench@ttn/devices/dev-<n>/up`: the generator's
 * floor devices have the DevAddr n, and the frame's FCnt is written as `f_cnt`.
 */
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { createServer } from "node:net";
import { Aedes } from "aedes";

const broker = new Aedes();
await broker.listen();
const mqttServer = createServer((socket) => broker.handle(socket));
mqttServer.listen(0, "127.0.0.1");
await once(mqttServer, "listening");
const udp = createSocket("udp4");
udp.bind(0, "127.0.0.1");
await once(udp, "listening");
// The Gateway Server's own UDP listener asks for 4 MiB: the floor gets the same.
udp.setRecvBufferSize(4 * 1024 * 1024);

interface Rxpk {
  data?: string;
  tmst?: number;
  rssi?: number;
  lsnr?: number;
}

udp.on("message", (datagram, remote) => {
  if (datagram.length < 12) return;
  // PUSH_DATA → PUSH_ACK, PULL_DATA → PULL_ACK; nothing else is answered.
  const answer = datagram[3] === 0x00 ? 0x01 : datagram[3] === 0x02 ? 0x04 : undefined;
  if (answer === undefined) return;
  udp.send(
    Buffer.from([2, datagram[1] as number, datagram[2] as number, answer]),
    remote.port,
    remote.address,
  );
  if (answer !== 0x01) return;
  let body: { rxpk?: Rxpk[] };
  try {
    body = JSON.parse(datagram.subarray(12).toString("utf8")) as { rxpk?: Rxpk[] };
  } catch {
    return;
  }
  for (const rxpk of body.rxpk ?? []) {
    const phy = Buffer.from(rxpk.data ?? "", "base64");
    if (phy.length < 8) continue;
    const device = phy.readUInt32LE(1) & 0x00ff_ffff;
    const fCnt = phy.readUInt16LE(6);
    const message = {
      end_device_ids: { device_id: `dev-${device}`, application_ids: { application_id: "bench" } },
      received_at: new Date().toISOString(),
      uplink_message: {
        f_port: phy[8],
        f_cnt: fCnt,
        frm_payload: phy.subarray(9, phy.length - 4).toString("base64"),
        rx_metadata: [{ timestamp: rxpk.tmst, rssi: rxpk.rssi, snr: rxpk.lsnr }],
      },
    };
    broker.publish(
      {
        cmd: "publish",
        topic: `v3/bench@ttn/devices/dev-${device}/up`,
        payload: Buffer.from(JSON.stringify(message)),
        qos: 0,
        retain: false,
        dup: false,
      },
      () => {},
    );
  }
});

const address = (value: unknown) => {
  const { address: host, port } = value as { address: string; port: number };
  return `${host}:${port}`;
};
process.stdout.write(
  `${JSON.stringify({ udp: address(udp.address()), mqtt: address(mqttServer.address()) })}\n`,
);
process.on("SIGTERM", () => {
  udp.close();
  mqttServer.close();
  broker.close();
});

/**
 * Semtech UDP codec benchmark (`npm run bench:semtech-udp`). The floor is `JSON.parse` of the
 * JSON of a typical PUSH_DATA (two rxpk, as the real lora_pkt_fwd batches them): the one cost
 * decoding cannot avoid. Decoding the whole datagram (header, UTF-8, JSON, every field, base64)
 * is reported as a rate and its ratio to the floor; so is dropping garbage, which should cost a
 * small fraction of the floor (a header check, no JSON, no allocation) — and for a datagram with
 * a good header but broken JSON, no more than the failed parse itself.
 */
import { decodeGatewayDatagram } from "../src/gateway-protocols/semtech-udp/index.ts";
import { measureRound } from "./measure.ts";

const ROUNDS = 3;
const ROUND_MS = 200;

const json =
  '{"rxpk":[{"tmst":4291480678,"chan":0,"rfch":1,"freq":868.100000,"stat":1,"modu":"LORA","datr":"SF7BW125","codr":"4/5","lsnr":7.5,"rssi":-57,"size":17,"data":"QAQDAgGACgAB3q2+7xEiM0Q="},' +
  '{"tmst":4291481266,"chan":1,"rfch":1,"freq":868.300000,"stat":1,"modu":"LORA","datr":"SF12BW125","codr":"4/5","lsnr":-4.5,"rssi":-101,"size":23,"data":"AAgHBgUEAwIBESIzRFVmd4g0EqGyw9Q="}]}';
const datagram = (hex: string, body = "") =>
  new Uint8Array(Buffer.concat([Buffer.from(hex, "hex"), Buffer.from(body)]));
const pushData = datagram("02697300aa555a0000000101", json);
// Garbage of the kinds a flood brings: random bytes (mostly a bad version), a truncated header,
// a server-to-gateway type, and a good header with broken JSON.
const garbage = Array.from({ length: 64 }, (_, i) =>
  Uint8Array.from({ length: 8 + (i % 40) }, (_, j) => (i * 131 + j * 17 + 7) & 0xff),
);
const truncatedJson = datagram("02697300aa555a0000000101", json.slice(0, -3));
const corruptJson = datagram("02697300aa555a0000000101", json.replace('"rfch":1', '"rfch":]'));

let which = 0;
const rows: { name: string; op: () => number }[] = [
  { name: "JSON.parse of the PUSH_DATA's JSON (floor)", op: () => JSON.parse(json).rxpk.length },
  {
    name: "decode PUSH_DATA, 2 rxpk",
    op: () => {
      const packet = decodeGatewayDatagram(pushData);
      return packet.type === "push_data" ? packet.rxpk.length : 0;
    },
  },
  {
    name: "drop random garbage",
    op: () => (decodeGatewayDatagram(garbage[which++ & 63] as Uint8Array).type === "drop" ? 1 : 0),
  },
  {
    name: "drop good header, truncated JSON",
    op: () => (decodeGatewayDatagram(truncatedJson).type === "drop" ? 1 : 0),
  },
  {
    name: "drop good header, JSON broken inside",
    op: () => (decodeGatewayDatagram(corruptJson).type === "drop" ? 1 : 0),
  },
];

for (const [i, row] of rows.entries()) {
  if (i > 0 && row.op() !== (i === 1 ? 2 : 1)) throw new Error(`self-check failed: ${row.name}`);
}

const format = (n: number): string => Math.round(n).toLocaleString("en-US");
console.log(
  `Semtech UDP codec on Node ${process.version}, one thread, best of ${ROUNDS} x ${ROUND_MS} ms`,
);
const best = rows.map(() => 0);
for (const row of rows) for (let i = 0; i < 20_000; i++) row.op(); // warm-up for the JIT
for (let round = 0; round < ROUNDS; round++) {
  rows.forEach((row, i) => {
    best[i] = Math.max(best[i] ?? 0, measureRound(row.op, ROUND_MS));
  });
}
const floor = best[0] ?? 1;
rows.forEach((row, i) => {
  const rate = best[i] ?? 0;
  console.log(
    `  ${row.name.padEnd(44)} ${format(rate).padStart(12)} /s   ${(rate / floor).toFixed(2)}x floor`,
  );
});

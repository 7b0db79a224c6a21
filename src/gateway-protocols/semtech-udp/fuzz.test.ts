import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DROP_REASONS, decodeGatewayDatagram, TX_ACK_ERRORS } from "./index.ts";

/** xorshift32: reproducible from the seed printed on failure. */
function random(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  return {
    below: (n: number) => next() % n,
    pick: <T>(items: readonly T[]): T => items[next() % items.length] as T,
  };
}
type Random = ReturnType<typeof random>;

const header = (type: number) => `0212340${type}aa555a0000000101`;
const datagram = (hex: string, json = "") =>
  new Uint8Array(Buffer.concat([Buffer.from(hex, "hex"), Buffer.from(json)]));

// Valid datagrams to mutate: the real forwarder's and the documents' shapes.
const corpus = [
  datagram(header(2)),
  datagram(header(5)),
  datagram(header(5), '{"txpk_ack":{"error":"TOO_LATE"}}'),
  datagram(header(5), '{"txpk_ack":{"warn":"TX_POWER","value":20}}'),
  datagram(
    header(0),
    '{"rxpk":[{"tmst":4291480678,"chan":0,"rfch":1,"freq":868.100000,"stat":1,"modu":"LORA","datr":"SF7BW125","codr":"4/5","lsnr":7.5,"rssi":-57,"size":17,"data":"QAQDAgGACgAB3q2+7xEiM0Q="}]}',
  ),
  datagram(
    header(0),
    '{"stat":{"time":"2026-12-05 05:19:03 GMT","lati":46.24,"long":3.25,"alti":145,"rxnb":2,"rxok":2,"rxfw":2,"ackr":100.0,"dwnb":2,"txnb":1,"temp":23.2}}',
  ),
  datagram(
    header(0),
    '{"rxpk":[{"time":"2013-03-31T16:21:17.530974Z","tmst":3512348514,"chan":9,"rfch":1,"freq":869.1,"stat":1,"modu":"FSK","datr":50000,"rssi":-75,"size":16,"data":"VEVTVF9QQUNLRVRfMTIzNA==","rsig":[{"ant":0,"chan":1,"rssic":-50,"etime":"AAEC"}]}]}',
  ),
];

const fields = [
  "rxpk",
  "stat",
  "txpk_ack",
  "error",
  "warn",
  "value",
  "time",
  "tmms",
  "tmst",
  "ftime",
  "freq",
  "chan",
  "rfch",
  "mid",
  "brd",
  "aesk",
  "modu",
  "datr",
  "codr",
  "hpw",
  "rssi",
  "rssis",
  "lsnr",
  "foff",
  "size",
  "data",
  "rsig",
  "ant",
  "rssic",
  "rssisd",
  "etime",
  "fdri",
  "lati",
  "long",
  "alti",
  "rxnb",
  "ackr",
  "temp",
  "hal",
  "hver",
  "boot",
  "__proto__",
  "constructor",
];
const scalars: readonly unknown[] = [
  0,
  -1,
  1,
  2 ** 32,
  2 ** 53 + 2,
  1e308,
  -1e-308,
  868.1,
  0.5,
  "",
  "AQI=",
  "SF7BW125",
  "M0CW137",
  "LORA",
  "FSK",
  "4/5",
  "2026-12-05 05:19:03 GMT",
  "2013-03-31T16:21:17.5Z",
  "TOO_LATE",
  true,
  false,
  null,
  "\u0000",
  "=",
  "x".repeat(300),
];

function value(rng: Random, depth: number): unknown {
  const kind = depth > 3 ? 0 : rng.below(4);
  if (kind === 0 || kind === 1) return rng.pick(scalars);
  if (kind === 2) return Array.from({ length: rng.below(4) }, () => value(rng, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = rng.below(6); i > 0; i--) object[rng.pick(fields)] = value(rng, depth + 1);
  return object;
}

const splices = ["{", "}", "[", "]", '"', ",", ":", "null", "1e999", "-", "\\u0000", "\u00ff"];

function mutate(rng: Random, original: Uint8Array): Uint8Array {
  let bytes = Uint8Array.from(original);
  for (let n = 1 + rng.below(4); n > 0; n--) {
    const at = rng.below(bytes.length + 1);
    switch (rng.below(5)) {
      case 0:
        if (at < bytes.length) bytes[at] = (bytes[at] as number) ^ (1 << rng.below(8));
        break;
      case 1:
        if (at < bytes.length) bytes[at] = rng.below(256);
        break;
      case 2:
        bytes = bytes.subarray(0, at);
        break;
      case 3: {
        const insert = Buffer.from(rng.pick(splices));
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...insert, ...bytes.subarray(at)]);
        break;
      }
      default:
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(rng.below(at + 1))]);
    }
  }
  return bytes;
}

function generate(rng: Random): Uint8Array {
  switch (rng.below(4)) {
    case 0: {
      const bytes = Uint8Array.from({ length: rng.below(40) }, () => rng.below(256));
      // Often a plausible header, so that random bytes also reach the JSON paths.
      if (bytes.length > 3 && rng.below(2) === 0) {
        bytes[0] = 2;
        bytes[3] = rng.pick([0, 2, 5]);
      }
      return bytes;
    }
    case 1:
      return mutate(rng, rng.pick(corpus));
    default: {
      const root = value(rng, 0);
      const json = rng.below(3) === 0 ? root : { rxpk: [root, value(rng, 1)], stat: value(rng, 1) };
      return datagram(header(rng.pick([0, 0, 5])), JSON.stringify(json) ?? "");
    }
  }
}

const reasons = new Set(Object.keys(DROP_REASONS));
const ackErrors = new Set<string>([...TX_ACK_ERRORS, "UNKNOWN"]);

describe("semtech-udp fuzz", () => {
  it("decodes 120,000 random and mutated datagrams into a packet or a known drop reason", () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
    const rng = random(seed);
    const seen = new Map<string, number>();
    for (let i = 0; i < 120_000; i++) {
      const bytes = generate(rng);
      let result: ReturnType<typeof decodeGatewayDatagram>;
      try {
        result = decodeGatewayDatagram(bytes);
      } catch (error) {
        assert.fail(`seed ${seed}, datagram ${Buffer.from(bytes).toString("hex")}: ${error}`);
      }
      const label = result.type === "drop" ? result.reason : result.type;
      seen.set(label, (seen.get(label) ?? 0) + 1);
      switch (result.type) {
        case "drop":
          assert.ok(reasons.has(result.reason), `seed ${seed}: ${result.reason}`);
          break;
        case "push_data":
          for (const part of result.drops) assert.ok(reasons.has(part.reason));
          for (const rx of result.rxpk) {
            assert.ok(Number.isInteger(rx.frequency) && rx.frequency > 0);
            assert.ok(rx.payload instanceof Uint8Array);
          }
          break;
        case "tx_ack":
          assert.ok(ackErrors.has(result.ack.error));
          break;
        case "pull_data":
          assert.equal(bytes.length, 12);
      }
    }
    if (process.env.FUZZ_VERBOSE) console.log(seed, [...seen]);
    // The generator reaches every outcome, so the loop above checked each kind of result.
    for (const label of [
      "push_data",
      "pull_data",
      "tx_ack",
      "too_short",
      "bad_json",
      "bad_field",
    ]) {
      assert.ok((seen.get(label) ?? 0) > 0, `seed ${seed}: no ${label} in ${[...seen]}`);
    }
  });
});

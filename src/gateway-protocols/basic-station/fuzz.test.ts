// Hostile input: random and mutated text frames never throw, and every refusal names a reason
// from the fixed table.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRouterInfoRequest } from "./discovery.ts";
import { dropReasons } from "./drop-reasons.ts";
import { stringifyJson } from "./lossless-json.ts";
import * as vectors from "./test-vectors.ts";
import { parseUpstream } from "./upstream.ts";

/** A small seeded generator, so that a failure can be replayed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seeds = [
  vectors.stationVersion,
  vectors.stationJoinRequest,
  vectors.stationDataUplink,
  vectors.stationDataUplinkWithFOpts,
  vectors.stationTxConfirmation,
  vectors.stationTxConfirmationLarge,
  '{"msgtype":"propdf","FRMPayload":"E0010203","DR":5,"Freq":868100000,"upinfo":{"xtime":5,"rssi":-40,"snr":9}}',
  '{"msgtype":"timesync","txtime":1234567}',
  '{"router":"16:c001:fffe:1"}',
];

const tokens = [
  "null",
  "true",
  "-1",
  "0",
  "-0",
  "1e309",
  "-1e309",
  "1.5",
  "99999999999999999999",
  "-9223372036854775809",
  '"x"',
  '""',
  "[]",
  "{}",
  '"__proto__"',
  '"constructor"',
  '"::"',
  '"FF"',
  '"zz"',
  "256",
  "65536",
  "4294967296",
];

const values: unknown[] = [
  null,
  true,
  -1,
  0,
  1.5,
  2 ** 32,
  2 ** 53 + 2,
  -(2 ** 63),
  9223372036854775808n,
  -9223372036854775809n,
  "x",
  "",
  "0g",
  "00".repeat(300),
  [],
  {},
  [1, 2],
  { xtime: 1 },
  "__proto__",
  Number.MAX_VALUE,
];

function mutate(text: string, random: () => number): string {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const at = Math.floor(random() * (text.length + 1));
  switch (Math.floor(random() * 7)) {
    case 0:
      return (
        text.slice(0, at) + String.fromCharCode(Math.floor(random() * 128)) + text.slice(at + 1)
      );
    case 1:
      return text.slice(0, at);
    case 2:
      return text.slice(0, at) + text.slice(at + Math.floor(random() * 20));
    case 3:
      return text.replace(/-?\d+(\.\d+)?/, () => pick(tokens));
    case 4: {
      // Structure-aware: a known field gets a hostile value.
      const object = JSON.parse(text) as Record<string, unknown>;
      const keys = Object.keys(object);
      const key = pick(keys);
      if (key === "upinfo" && typeof object.upinfo === "object" && object.upinfo !== null) {
        const info = { ...(object.upinfo as Record<string, unknown>) };
        info[pick(Object.keys(info))] = pick(values);
        object.upinfo = info;
      } else object[key] = pick(values);
      return stringifyJson(object);
    }
    case 5:
      return text.slice(0, at) + pick(tokens) + text.slice(at);
    default:
      return text + text.slice(0, at);
  }
}

function randomText(random: () => number): string {
  const length = Math.floor(random() * 80);
  let text = random() < 0.5 ? "{" : "";
  for (let index = 0; index < length; index++)
    text += String.fromCharCode(
      random() < 0.9 ? 32 + Math.floor(random() * 95) : Math.floor(random() * 0xffff),
    );
  return text;
}

function check(text: string): void {
  const result = parseUpstream(text);
  if (result.ok) {
    if ("phyPayload" in result.message) assert.ok(result.message.phyPayload.length <= 255);
  } else assert.ok(result.reason in dropReasons, result.reason);
  const discovery = parseRouterInfoRequest(text);
  if (!discovery.ok) assert.ok(discovery.reason in dropReasons);
}

describe("fuzz", () => {
  it("120,000 random and mutated frames: no throw, every drop has a reason", () => {
    const random = generator(0x5eed);
    let accepted = 0;
    for (let round = 0; round < 120_000; round++) {
      let text: string;
      if (round % 4 === 0) text = randomText(random);
      else {
        text = seeds[round % seeds.length] as string;
        const mutations = 1 + Math.floor(random() * 3);
        for (let step = 0; step < mutations; step++) {
          try {
            text = mutate(text, random);
          } catch {
            // A structure-aware mutation of text that is no longer JSON: keep the text as is.
          }
        }
      }
      try {
        check(text);
      } catch (error) {
        assert.fail(`round ${round} threw on ${JSON.stringify(text)}: ${String(error)}`);
      }
      if (parseUpstream(text).ok) accepted++;
    }
    // The mutations must leave some frames valid, or the parsers' accepting paths go unfuzzed.
    assert.ok(accepted > 1000, `only ${accepted} frames accepted`);
  });
});

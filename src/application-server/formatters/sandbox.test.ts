import assert from "node:assert/strict";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { after, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { EndDeviceIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { PayloadFormatter } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { createPayloadFormatters } from "./create-payload-formatters.ts";
import type { FormatterChoice } from "./payload-formatters.ts";

const context = { endDeviceIds: create(EndDeviceIdentifiersSchema, { deviceId: "dev-1" }) };
const js = (parameter: string): FormatterChoice => ({
  formatter: PayloadFormatter.FORMATTER_JAVASCRIPT,
  parameter,
});
const uplink = {
  bytes: Uint8Array.of(1, 2, 3),
  fPort: 7,
  recvTime: new Date("2026-12-01T10:00:00Z"),
};
const healthy = `function decodeUplink(input) { return { data: { sum: input.bytes[0] + input.bytes[1] } }; }`;

// One isolate, so that every hostile script shares it with the healthy one that follows.
const formatters = createPayloadFormatters({
  timeoutMs: 100,
  memoryLimitMb: 16,
  isolates: 1,
  maxOutputLength: 100_000,
});
// Out of memory takes V8 about 250 ms of last-resort garbage collection, longer than the default
// time limit: the OOM cases get more time so that the memory limit, not the clock, stops them.
const patient = createPayloadFormatters({ timeoutMs: 10_000, memoryLimitMb: 16, isolates: 1 });
after(() => patient.close());
after(() => formatters.close());

async function assertHealthyStillWorks(): Promise<void> {
  const decoded = await formatters.decodeUplink(js(healthy), uplink, context);
  assert.deepEqual(decoded.data, { sum: 3 });
}

describe("hostile scripts are contained", () => {
  const cases: Array<[name: string, script: string, expected: RegExp]> = [
    ["throws", `function decodeUplink() { throw new TypeError("boom"); }`, /TypeError: boom/],
    [
      "throws a non-error",
      `function decodeUplink() { throw { toString: function () { return "odd"; } }; }`,
      /odd/,
    ],
    ["loops forever", `function decodeUplink() { while (true) {} }`, /timed out after 100 ms/],
    [
      "loops forever at load",
      `while (true) {} function decodeUplink() {}`,
      /timed out after 100 ms/,
    ],
    [
      "throws at load",
      `throw new Error("at load"); function decodeUplink() {}`,
      /script failed to load: at load/,
    ],
    ["syntax error", `function decodeUplink( { return 1 }`, /syntax error: SyntaxError/],
    [
      "memory bomb under the default time limit",
      `function decodeUplink() { var a = []; while (true) a.push(new Array(100000).fill(0.5)); }`,
      /timed out|ran out of memory/,
    ],
    [
      "allocates slowly until the time limit",
      `function decodeUplink() { var a = []; while (true) a.push({ x: [1, 2, 3] }); }`,
      /timed out|ran out of memory/,
    ],
    [
      "huge output",
      `function decodeUplink() { return { data: { s: "x".repeat(200000) } }; }`,
      /exceeds the limit/,
    ],
    [
      "require",
      `function decodeUplink() { return { data: { fs: require("fs") } }; }`,
      /ReferenceError: require is not defined/,
    ],
    [
      "process",
      `function decodeUplink() { return { data: { pid: process.pid } }; }`,
      /ReferenceError: process is not defined/,
    ],
    [
      "fetch",
      `function decodeUplink() { fetch("http://127.0.0.1/"); return {}; }`,
      /ReferenceError: fetch is not defined/,
    ],
    [
      "replaces JSON to forge a result",
      `JSON.stringify = function () { return '{"ok":true,"decoded":{"data":{"forged":true}}}'; };
       function decodeUplink() { return { data: { v: NaN } }; }`,
      /non-finite number/,
    ],
  ];
  for (const [name, script, expected] of cases) {
    test(name, async () => {
      const decoded = await formatters.decodeUplink(js(script), uplink, context);
      assert.equal(decoded.data, undefined);
      assert.match(decoded.errors.join(), expected);
      await assertHealthyStillWorks();
    });
  }

  test("a script longer than max_parameter_length is refused; 64 KiB is accepted", async () => {
    const small = createPayloadFormatters({ maxParameterLength: 1000, isolates: 1 });
    try {
      const decoded = await small.decodeUplink(
        js(`${healthy}//${"x".repeat(1000)}`),
        uplink,
        context,
      );
      assert.match(decoded.errors.join(), /exceeds the limit of 1000/);
    } finally {
      await small.close();
    }
    const big = `${healthy}\n/*${"x".repeat(65000)}*/`;
    assert.ok(big.length >= 65000);
    assert.deepEqual((await formatters.decodeUplink(js(big), uplink, context)).data, { sum: 3 });
  });

  test("a memory bomb kills only its isolate, which is rebuilt; scripts are recompiled", async () => {
    assert.deepEqual((await patient.decodeUplink(js(healthy), uplink, context)).data, { sum: 3 });
    const before = patient.stats();
    const bomb = `function decodeUplink() { var a = []; while (true) a.push(new Array(100000).fill(0.5)); }`;
    const decoded = await patient.decodeUplink(js(bomb), uplink, context);
    assert.match(decoded.errors.join(), /ran out of memory \(limit 16 MB\)/);
    const lost = patient.stats();
    assert.equal(lost.isolatesLost, before.isolatesLost + 1);
    assert.deepEqual((await patient.decodeUplink(js(healthy), uplink, context)).data, { sum: 3 });
    const rebuilt = patient.stats();
    assert.equal(rebuilt.isolatesCreated, before.isolatesCreated + 1);
    assert.equal(
      rebuilt.compiles,
      lost.compiles + 1,
      "the healthy script was compiled again in the new isolate",
    );
    // The bomb fails the same way again rather than being cached as a broken script.
    assert.match(
      (await patient.decodeUplink(js(bomb), uplink, context)).errors.join(),
      /ran out of memory/,
    );
    assert.deepEqual((await patient.decodeUplink(js(healthy), uplink, context)).data, { sum: 3 });
  });

  test("a healthy call queued behind a memory bomb in the same isolate runs on the rebuilt one", async () => {
    // Compiled first, so that its call waits in the isolate the bomb then kills.
    assert.deepEqual((await patient.decodeUplink(js(healthy), uplink, context)).data, { sum: 3 });
    const before = patient.stats();
    // Busy for 200 ms before it fills the heap, so that the calls below wait behind it.
    const bomb = `function decodeUplink() { var t = Date.now(); while (Date.now() - t < 200) {} var a = []; while (true) a.push(new Array(100000).fill(0.5)); }`;
    const bombing = patient.decodeUplink(js(bomb), uplink, context);
    await new Promise((resolve) => setTimeout(resolve, 40));
    const [bombed, ...healthyOnes] = await Promise.all([
      bombing,
      patient.decodeUplink(js(healthy), uplink, context),
      patient.decodeUplink(js(healthy), uplink, context),
    ]);
    assert.match(bombed?.errors.join() ?? "", /ran out of memory \(limit 16 MB\)/);
    for (const decoded of healthyOnes) {
      assert.deepEqual(decoded.errors, []);
      assert.deepEqual(decoded.data, { sum: 3 });
    }
    const after = patient.stats();
    assert.equal(after.isolatesLost, before.isolatesLost + 1, "the isolate is counted lost once");
    assert.ok(after.bystanderRetries >= 1, "the healthy calls were run again");
  });

  test("a script that grows its global state across calls ends its isolate, not the process", async () => {
    const leak = `var kept = []; function decodeUplink() { kept.push(new Array(50000).fill(0.5)); return { data: { n: kept.length } }; }`;
    const before = patient.stats();
    let errors: string[] = [];
    for (let i = 0; i < 200 && errors.length === 0; i++) {
      errors = (await patient.decodeUplink(js(leak), uplink, context)).errors;
    }
    // The heap fills within ~40 calls. When it overflows during a call, that call says so; when
    // V8 disposes the isolate between calls, the next call finds it gone and runs again on a
    // new isolate, where the script starts over: either way the isolate was lost, not the process.
    if (errors.length > 0) assert.match(errors.join(), /ran out of memory/);
    assert.ok(patient.stats().isolatesLost > before.isolatesLost, "the isolate was lost");
    assert.deepEqual((await patient.decodeUplink(js(healthy), uplink, context)).data, { sum: 3 });
  });

  test("runaway scripts do not block the event loop beyond the time limit", async () => {
    const loop = `function decodeUplink() { while (true) {} }`;
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(Date.now()), 5);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => formatters.decodeUplink(js(loop), uplink, context)),
    );
    clearInterval(timer);
    histogram.disable();
    for (const result of results) assert.match(result.errors.join(), /timed out/);
    // Six 100 ms loops ran back to back in the isolate while our loop kept ticking.
    assert.ok(
      ticks.length > 20,
      `only ${ticks.length} ticks during ${results.length} runaway calls`,
    );
    assert.ok(histogram.max / 1e6 < 100, `event loop blocked for ${histogram.max / 1e6} ms`);
  });
});

describe("compiled once", () => {
  test("a script is compiled once and reused across calls; a new source compiles again", async () => {
    const cache = createPayloadFormatters({ isolates: 2 });
    try {
      const script = `${healthy} // cache test`;
      await cache.decodeUplink(js(script), uplink, context);
      const first = cache.stats().compiles;
      for (let i = 0; i < 20; i++) await cache.decodeUplink(js(script), uplink, context);
      assert.equal(cache.stats().compiles, first);
      await cache.decodeUplink(js(`${script}\n`), uplink, context);
      assert.equal(cache.stats().compiles, first + 1);
    } finally {
      await cache.close();
    }
  });

  test("concurrent first calls of one script compile it once", async () => {
    const cache = createPayloadFormatters({ isolates: 1 });
    try {
      const results = await Promise.all(
        Array.from({ length: 10 }, () => cache.decodeUplink(js(healthy), uplink, context)),
      );
      for (const result of results) assert.deepEqual(result.data, { sum: 3 });
      assert.equal(cache.stats().compiles, 1);
    } finally {
      await cache.close();
    }
  });

  test("the LRU is bounded: the least recently used script is evicted and recompiled on return", async () => {
    const cache = createPayloadFormatters({ isolates: 1, scriptsPerIsolate: 2 });
    try {
      const scripts = ["a", "b", "c"].map((name) => `${healthy} // ${name}`);
      const run = (script: string) => cache.decodeUplink(js(script), uplink, context);
      await run(scripts[0] as string);
      await run(scripts[1] as string);
      await run(scripts[0] as string); // a is now the most recent
      await run(scripts[2] as string); // evicts b
      assert.equal(cache.stats().compiles, 3);
      await run(scripts[0] as string);
      assert.equal(cache.stats().compiles, 3, "a stayed");
      const decoded = await run(scripts[1] as string);
      assert.deepEqual(decoded.data, { sum: 3 });
      assert.equal(cache.stats().compiles, 4, "b was compiled again");
    } finally {
      await cache.close();
    }
  });

  test("a syntax error is remembered, not compiled for every uplink", async () => {
    const cache = createPayloadFormatters({ isolates: 1 });
    try {
      for (let i = 0; i < 5; i++) await cache.decodeUplink(js("function ("), uplink, context);
      assert.equal(cache.stats().compiles, 1);
    } finally {
      await cache.close();
    }
  });

  test("after close, calls give errors", async () => {
    const closed = createPayloadFormatters();
    await closed.close();
    assert.match((await closed.decodeUplink(js(healthy), uplink, context)).errors.join(), /closed/);
  });
});

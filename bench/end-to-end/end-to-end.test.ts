/**
 * `node bench/end-to-end/main.ts --quick` produces the report: the JSON with every figure's
 * section, the markdown table and the SVG chart. Not timed (the figures of a quick run mean
 * nothing); run with `npm run bench:end-to-end:test`, outside the normal test command because
 * it starts the whole stack and drives it for tens of seconds.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, it } from "node:test";
import { promisify } from "node:util";
import type { Report } from "./report.ts";

const out = await mkdtemp(join(tmpdir(), "lorastack-bench-"));
after(() => rm(out, { recursive: true, force: true }));

it("a quick run writes the JSON, the markdown table and the SVG chart", async () => {
  await promisify(execFile)(
    process.execPath,
    [join(import.meta.dirname, "main.ts"), "--quick", "--out", out],
    {
      timeout: 240_000,
    },
  );
  const files = (await readdir(out)).sort();
  const date = files.find((file) => file.endsWith(".json"))?.slice(0, -5);
  assert.ok(date, `no JSON in ${files.join(", ")}`);
  assert.deepEqual(files, [`${date}.json`, `${date}.md`, `${date}.svg`]);

  const report = JSON.parse(await readFile(join(out, `${date}.json`), "utf8")) as Report;
  assert.equal(report.plan, "quick");
  assert.ok(report.floors.cryptoPerSecond > 0);
  assert.ok(report.floors.passThrough.length > 0);
  assert.equal(report.registration.devices, report.registration.otaa + report.registration.abp);
  assert.ok(report.registration.devicesPerSecond > 0);
  assert.equal(report.joined, report.joins[0]?.sent, "every join-request of the step joined");
  assert.ok(report.uplinks.length > 0 && report.uplinks.every((step) => step.delivered > 0));
  assert.ok(report.confirmed.length > 0 && report.confirmed.every((step) => step.answered > 0));
  assert.ok(report.memory.peakRss > 0);
  assert.ok(report.manyDevices && report.manyDevices.rss > 0, "the memory phase ran");
  assert.equal(report.manyDevices.traffic.delivered, report.manyDevices.traffic.sent);

  const markdown = await readFile(join(out, `${date}.md`), "utf8");
  for (const heading of [
    "Figures against the targets",
    "Floors",
    "Uplink steps",
    "Class A downlinks",
    "Memory with many registered devices",
  ]) {
    assert.match(markdown, new RegExp(heading));
  }
  const svg = await readFile(join(out, `${date}.svg`), "utf8");
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /<polyline /);
  assert.match(svg, /sustained: /, "the sustained point is marked");
});

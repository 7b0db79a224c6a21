import assert from "node:assert/strict";
import { it } from "node:test";
import { pino } from "pino";
import { connectionErrorLog } from "./connection-log.ts";

it("logs the first connection error, then one line per 30 s with a count, and the recovery", () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  let now = 0;
  const log = connectionErrorLog(logger, { redis: "cache:6379" }, () => now);
  log.restored();
  assert.equal(lines.length, 0, "nothing to say while it works");
  log.failed(new Error("connect ECONNREFUSED"));
  now = 1000;
  log.failed(new Error("connect ECONNREFUSED"));
  now = 2000;
  log.failed(new Error("connect ECONNREFUSED"));
  now = 31_000;
  log.failed(new Error("connect ECONNREFUSED"));
  log.restored();
  assert.deepEqual(
    lines.map((line) => [line.msg, line.redis, line.errors_not_logged]),
    [
      ["connection failed", "cache:6379", undefined],
      ["connection still failing", "cache:6379", 2],
      ["connection restored", "cache:6379", 0],
    ],
  );
  assert.match(String((lines[0]?.err as { message?: string })?.message), /ECONNREFUSED/);
});

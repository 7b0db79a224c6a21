import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errorNamespace } from "../../errors/index.ts";
import { metricWord, refusalLabel } from "./metrics.ts";

const define = errorNamespace("ns/downlink-metrics-test");
const errRefused = define.aborted("refused_here", "refused");

describe("downlink metric labels", () => {
  it("name a refusal by its first path's error, else by the error itself", () => {
    const paths = [{ name: "too_late" }, { name: "conflict" }];
    assert.equal(refusalLabel(errRefused.create({ path_errors: paths })), "too_late");
    assert.equal(refusalLabel(errRefused.create({})), "refused_here");
  });

  it("keep what a confused peer sends to one short snake_case word", () => {
    assert.equal(metricWord("TOO_LATE"), "too_late");
    assert.equal(metricWord('x"} 1\nevil{'), "x___1_evil_");
    assert.equal(metricWord("a".repeat(100)).length, 40);
    assert.equal(metricWord("!!!"), "other");
    assert.equal(refusalLabel(errRefused.create({ path_errors: [{ name: 42 }] })), "refused_here");
  });
});

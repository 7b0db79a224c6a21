import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { run } from "./run.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
/** Test files that read ../shared/vectors. */
const vectorTests = [
  "src/lorawan/crypto/vectors.test.ts",
  "src/lorawan/band/golden.test.ts",
  "src/lorawan/frequency-plans/reference.test.ts",
];

function runTests(env: Record<string, string | undefined>) {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    LORASTACK_SHARED_DIR: "/nonexistent/shared",
    ...env,
  };
  // A nested test run would report to this one instead of printing.
  delete childEnv.NODE_TEST_CONTEXT;
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
  return run(process.execPath, ["--test", "--test-reporter=tap", ...vectorTests], {
    cwd: root,
    env: childEnv,
  });
}

describe("CI honesty", () => {
  it("skips the reference-vector tests with a message when ../shared is missing outside CI", async () => {
    const result = await runTests({ CI: undefined });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /# SKIP reference data not found at \/nonexistent\/shared\//);
  });

  it("fails the run when ../shared is missing and CI=true", async () => {
    const result = await runTests({ CI: "true" });
    assert.notEqual(result.code, 0);
    assert.match(result.stdout + result.stderr, /CI=true, so this cannot be skipped/);
  });
});

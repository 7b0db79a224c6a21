import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { CommandIO } from "./io.ts";
import { main } from "./main.ts";

const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));
const lorastackBin = join(repositoryRoot, "bin", "lorastack");

/**
 * An `--import` hook that records the URL of every module the process loads (ESM and
 * CommonJS, through `module.registerHooks`) and writes them to $LOADED_MODULES_FILE at exit.
 */
const recordModulesHook = `
import { registerHooks } from "node:module";
import { writeFileSync } from "node:fs";
const loaded = new Set();
registerHooks({
  load(url, context, nextLoad) {
    loaded.add(url);
    return nextLoad(url, context);
  },
});
process.on("exit", () => writeFileSync(process.env.LOADED_MODULES_FILE, [...loaded].join("\\n")));
`;

let folder: string;

before(async () => {
  folder = await mkdtemp(join(tmpdir(), "lorastack-cli-"));
  await writeFile(join(folder, "record-modules.mjs"), recordModulesHook);
});

after(() => rm(folder, { recursive: true, force: true }));

/** Runs `bin/lorastack` with `args`; resolves with its output and the modules it loaded. */
function runRecorded(
  args: string[],
): Promise<{ code: number | null; stdout: string; modules: string[] }> {
  const modulesFile = join(folder, `modules-${args.join("-")}.txt`);
  const child = spawn(
    process.execPath,
    ["--import", join(folder, "record-modules.mjs"), lorastackBin, ...args],
    { env: { ...process.env, LOADED_MODULES_FILE: modulesFile }, cwd: folder },
  );
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.resume();
  return new Promise((resolve, reject) => {
    child.on("error", reject).on("close", async (code) => {
      const modules = (await readFile(modulesFile, "utf8")).split("\n");
      resolve({ code, stdout, modules });
    });
  });
}

/** A CommandIO that collects what a command writes. */
function capture(): CommandIO & { out: () => string } {
  let out = "";
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      out += text;
    },
    env: {},
    out: () => out,
  };
}

describe("lorastack commands load their code only when they run", () => {
  for (const args of [["version"], ["--help"]]) {
    it(`\`lorastack ${args.join(" ")}\` loads the CLI and commander, nothing of the stack`, async () => {
      const { code, stdout, modules } = await runRecorded(args);
      assert.equal(code, 0, stdout);
      assert.match(stdout, /lorastack/);
      const ours = modules.filter(
        (url) => url.startsWith("file:") && !url.includes("/node_modules/"),
      );
      const packages = modules.filter((url) => url.includes("/node_modules/"));
      const outside = ours.filter(
        (url) =>
          !/\/(bin\/lorastack|src\/cli\/[^/]+\.ts|src\/cli\/commands\/[^/]+\.ts|src\/errors\/[^/]+\.ts|src\/api\/tx-schedule-priorities\.ts|src\/runtime\/version\.ts)$/.test(
            url,
          ),
      );
      assert.deepEqual(outside, [], "only the CLI's own modules and its error types");
      assert.ok(
        packages.every((url) => url.includes("/node_modules/commander/")),
        `only commander: ${packages.filter((url) => !url.includes("/commander/")).join(", ")}`,
      );
      assert.ok(modules.length < 60, `${modules.length} modules loaded`);
    });
  }

  it("prepares the invoked command: its configuration flags and the component names", async () => {
    for (const argv of [
      ["start", "--help"],
      ["help", "start"],
    ]) {
      const io = capture();
      assert.equal(await main(["node", "lorastack", ...argv], io), 0, io.out());
      assert.match(io.out(), /-c, --config <file>/, argv.join(" "));
      assert.match(io.out(), /the ones named \(is,\s+js,/, argv.join(" "));
    }
    const keys = capture();
    assert.equal(await main(["node", "lorastack", "config", "--keys"], keys), 0, keys.out());
    assert.match(keys.out(), /^data_dir\n {2}env: LORASTACK_DATA_DIR\n {2}flag: --data-dir\n/);
  });

  it("parses the configuration flags of nested commands", async () => {
    for (const argv of [
      ["db", "migrate", "--help"],
      ["db", "help", "migrate"],
      ["is-db", "create-api-key", "--help"],
    ]) {
      const help = capture();
      assert.equal(await main(["node", "lorastack", ...argv], help), 0, help.out());
      assert.match(help.out(), /-c, --config <file>/, argv.join(" "));
    }
    const unknown = capture();
    assert.equal(await main(["node", "lorastack", "db", "migrate", "--no-such-flag"], unknown), 2);
    assert.match(unknown.out(), /unknown option '--no-such-flag'/);
  });
});

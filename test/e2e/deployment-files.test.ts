/**
 * The deployment files of deploy/ cannot run here (no Docker engine, no systemd): they are
 * checked against the program instead. Every `LORASTACK_*` name they set is a configuration
 * key's variable; the env file examples, their placeholders filled, pass `lorastack config`;
 * the ports nginx balances are the instances' default listeners; the systemd unit reads the
 * env files the examples describe.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { programConfig } from "../../src/program/config.ts";
import { repositoryRoot, runLorastack } from "../harness/lorastack-process.ts";

const deploy = join(repositoryRoot, "deploy");
const read = (path: string) => readFile(join(deploy, path), "utf8");
const envNames = new Set(programConfig.keys.map((key) => key.env));
const envFiles = [
  "lorastack.env.example",
  "systemd/lorastack.env.example",
  "systemd/instance.env.example",
];

/** `NAME=value` lines of an env file; `commented` also takes `# NAME=value` lines. */
function envLines(text: string, commented: boolean): Map<string, string> {
  const pattern = commented
    ? /^(?:#\s*)?(LORASTACK_[A-Z0-9_]+)=(.*)$/
    : /^(LORASTACK_[A-Z0-9_]+)=(.*)$/;
  const lines = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = pattern.exec(line.trim());
    if (match) lines.set(match[1] as string, (match[2] as string).trim());
  }
  return lines;
}

/** Every LORASTACK_* word of a text (comments included: they tell operators what to set). */
const mentioned = (text: string) => new Set(text.match(/LORASTACK_[A-Z0-9_]*[A-Z0-9]/g) ?? []);

/** A valid stand-in for a `CHANGE-ME` placeholder, by variable. */
function filled(name: string, value: string): string {
  if (!value.includes("CHANGE-ME")) return value;
  if (name === "LORASTACK_CLUSTER_KEYS") return "ab".repeat(32);
  if (name === "LORASTACK_KEY_VAULT_KEYS") return `kek1:${"cd".repeat(16)}`;
  return value.replace(/CHANGE-ME[-A-Z0-9]*/g, "secret");
}

describe("deployment files", () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "lorastack-deploy-"));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("name only configuration keys' variables", async () => {
    const files = [...envFiles, "docker-compose.yml", "Dockerfile", "systemd/lorastack@.service"];
    for (const file of files) {
      const unknown = [...mentioned(await read(file))].filter((name) => !envNames.has(name));
      assert.deepEqual(unknown, [], `${file} names variables no configuration key has`);
    }
    const compose = parse(await read("docker-compose.yml"), { merge: true }) as {
      services: Record<string, { environment?: Record<string, string>; env_file?: string }>;
    };
    const instances = Object.entries(compose.services).filter(
      ([, service]) => service.env_file === "lorastack.env",
    );
    assert.deepEqual(
      instances.map(([name]) => name),
      ["migrate", "eu1-1", "eu1-2", "eu1-3"],
    );
    for (const [name, service] of instances)
      for (const variable of Object.keys(service.environment ?? {}))
        assert.ok(envNames.has(variable), `${name}: ${variable} is no configuration key's`);
  });

  it("has env file examples that `lorastack config` accepts once their secrets are filled in", async () => {
    for (const file of envFiles) {
      const env: Record<string, string> = {};
      for (const [name, value] of envLines(await read(file), false))
        env[name] = filled(name, value);
      assert.ok(Object.keys(env).length >= 2, `${file} sets variables`);
      // The files the examples point to do not exist here: `config` only validates the values.
      const result = await runLorastack(["config"], { dataDir, env });
      assert.equal(result.code, 0, `${file}: ${result.stderr}`);
    }
    // The commented-out lines are valid too when uncommented.
    for (const file of envFiles) {
      const env: Record<string, string> = {};
      for (const [name, value] of envLines(await read(file), true)) env[name] = filled(name, value);
      const result = await runLorastack(["config"], { dataDir, env });
      assert.equal(result.code, 0, `${file} (comments uncommented): ${result.stderr}`);
    }
  });

  it("balances the instances' default listener ports", async () => {
    const defaults = new Set(
      programConfig.keys
        .filter((key) => key.path.endsWith(".listen") || key.path.endsWith(".listen_tls"))
        .map((key) => String(key.defaultValue).split(":").at(-1)),
    );
    const nginx = await read("nginx/nginx.conf");
    const ports = [...nginx.matchAll(/server eu1-\d:(\d+)/g)].map((match) => match[1]);
    assert.ok(ports.length >= 27, "every upstream lists the three instances");
    for (const port of ports) assert.ok(defaults.has(port), `port ${port} is no default listener`);
    assert.match(nginx, /listen 1700 udp/);
    assert.match(nginx, /hash \$remote_addr consistent;/, "UDP gateways sticky by source address");
  });

  it("has a systemd unit that reads the shared and the instance's env files", async () => {
    const unit = await read("systemd/lorastack@.service");
    assert.match(unit, /^EnvironmentFile=\/etc\/lorastack\/lorastack\.env$/m);
    assert.match(unit, /^EnvironmentFile=\/etc\/lorastack\/%i\.env$/m);
    assert.match(unit, /^ExecStart=.*bin\/lorastack start \$COMPONENTS$/m);
    assert.match(await read("systemd/instance.env.example"), /^COMPONENTS=/m);
  });
});

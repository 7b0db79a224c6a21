import assert from "node:assert/strict";
import { chmod, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pino } from "pino";
import { redactConfig } from "../config/redact.ts";
import { keyVaultConfig } from "./config.ts";
import { errKeyFile, errUnknownKey } from "./errors.ts";
import { keyFilePath, openKeyVault } from "./open.ts";

/** A logger that records its lines. */
function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

const section = (value: unknown) =>
  keyVaultConfig.shape.key_vault.parse(value) as ReturnType<
    typeof keyVaultConfig.shape.key_vault.parse
  >;
const sectionOf = (value: unknown) => ({ key_vault: section(value) });

const k1 = "000102030405060708090a0b0c0d0e0f";
const k2 = "101112131415161718191a1b1c1d1e1f101112131415161718191a1b1c1d1e1f";

describe("openKeyVault", () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "lorastack-key-vault-"));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it("creates the embedded key file (0600) on first start, says so, and reuses it", async () => {
    const dataDir = join(folder, "embedded");
    const first = recordingLogger();
    const vault = await openKeyVault({ section: sectionOf({}), dataDir, logger: first.logger });
    const file = keyFilePath(dataDir);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.match(vault.defaultLabel, /^embedded-[0-9a-f]{8}$/);
    const created = first.lines.find((line) => String(line.msg).startsWith("created a key"));
    assert.ok(created, JSON.stringify(first.lines));
    assert.equal(created.file, file);
    const stored = JSON.parse(await readFile(file, "utf8"));
    assert.equal(stored.default_label, vault.defaultLabel);

    const secret = await vault.encrypt(new Uint8Array([1, 2, 3]));
    const second = recordingLogger();
    const again = await openKeyVault({ section: sectionOf({}), dataDir, logger: second.logger });
    assert.equal(again.defaultLabel, vault.defaultLabel);
    assert.deepEqual(await again.decrypt(secret), new Uint8Array([1, 2, 3]));
    assert.ok(!second.lines.some((line) => String(line.msg).startsWith("created a key")));
  });

  it("warns when the key file is readable by others", async () => {
    const dataDir = join(folder, "exposed");
    await openKeyVault({ section: sectionOf({}), dataDir, logger: recordingLogger().logger });
    await chmod(keyFilePath(dataDir), 0o644);
    const { logger, lines } = recordingLogger();
    await openKeyVault({ section: sectionOf({}), dataDir, logger });
    assert.ok(lines.some((line) => String(line.msg).includes("chmod 600")));
  });

  it("uses configured keys (first is the default) and still reads the key file's secrets", async () => {
    const dataDir = join(folder, "configured");
    const embedded = await openKeyVault({
      section: sectionOf({}),
      dataDir,
      logger: recordingLogger().logger,
    });
    const old = await embedded.encrypt(new Uint8Array([9]));
    const vault = await openKeyVault({
      section: sectionOf({ keys: { one: k1, two: k2 } }),
      dataDir,
      logger: recordingLogger().logger,
    });
    assert.equal(vault.defaultLabel, "one");
    assert.deepEqual(vault.labels().sort(), [embedded.defaultLabel, "one", "two"].sort());
    assert.deepEqual(await vault.decrypt(old), new Uint8Array([9]));
    assert.equal((await vault.reencrypt(old)).keyId, "one");
  });

  it("does not create a key file when keys are configured", async () => {
    const dataDir = join(folder, "no-file");
    const vault = await openKeyVault({
      section: sectionOf({ keys: `one:${k1},two:${k2}`, default_label: "two" }),
      dataDir,
      logger: recordingLogger().logger,
    });
    assert.equal(vault.defaultLabel, "two");
    await assert.rejects(stat(keyFilePath(dataDir)), { code: "ENOENT" });
  });

  it("refuses a default label without a key, and a corrupt key file", async () => {
    await assert.rejects(
      openKeyVault({
        section: sectionOf({ keys: { one: k1 }, default_label: "two" }),
        dataDir: join(folder, "bad-default"),
        logger: recordingLogger().logger,
      }),
      (error) => errUnknownKey.matches(error),
    );
    const dataDir = join(folder, "corrupt");
    await openKeyVault({ section: sectionOf({}), dataDir, logger: recordingLogger().logger });
    const { writeFile } = await import("node:fs/promises");
    await writeFile(keyFilePath(dataDir), "{nope", { mode: 0o600 });
    await assert.rejects(
      openKeyVault({ section: sectionOf({}), dataDir, logger: recordingLogger().logger }),
      (error) => errKeyFile.matches(error),
    );
  });

  it("warns that instances sharing a database need configured keys", async () => {
    const { logger, lines } = recordingLogger();
    await openKeyVault({
      section: sectionOf({}),
      dataDir: join(folder, "shared"),
      logger,
      sharedDatabase: true,
    });
    assert.ok(lines.some((line) => String(line.msg).includes("on every instance")));
  });
});

describe("key_vault configuration", () => {
  it("reads keys as a map, a list or label:hex text, and refuses bad ones", () => {
    assert.deepEqual(section({ keys: { a: k1 } }).keys, { a: k1 });
    assert.deepEqual(section({ keys: [`a:${k1}`] }).keys, { a: k1 });
    assert.deepEqual(section({ keys: `a:${k1},b:${k2}` }).keys, { a: k1, b: k2 });
    assert.throws(() => section({ keys: { a: "00" } }));
    assert.throws(() => section({ keys: { "bad label": k1 } }));
    assert.throws(() => section({ keys: "no-colon" }));
  });

  it("redacts the keys when the configuration is printed, labels kept", () => {
    const printed = redactConfig(sectionOf({ keys: { a: k1 } }), keyVaultConfig.secrets);
    assert.deepEqual(printed, { key_vault: { keys: { a: "***" }, default_label: "" } });
  });
});

import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CredentialsStore, configFolder, credentialsPath } from "./credentials.ts";
import { errCredentialsFile } from "./errors.ts";

let folder: string;
before(async () => {
  folder = await mkdtemp(join(tmpdir(), "lorastack-credentials-"));
});
after(() => rm(folder, { recursive: true, force: true }));

const credential = (token: string) =>
  ({ kind: "api-key", token, saved_at: "2026-12-06T00:00:00.000Z" }) as const;

describe("credentials store", () => {
  it("lives in $XDG_CONFIG_HOME/lorastack, else ~/.config/lorastack", () => {
    assert.equal(configFolder({ XDG_CONFIG_HOME: "/x", HOME: "/h" }), "/x/lorastack");
    assert.equal(configFolder({ HOME: "/h" }), "/h/.config/lorastack");
    assert.equal(credentialsPath({ HOME: "/h" }), "/h/.config/lorastack/credentials.json");
  });

  it("stores per server, in a 0600 file in a 0700 folder, leaving no temporary files", async () => {
    const path = join(folder, "a", "lorastack", "credentials.json");
    const store = new CredentialsStore(path);
    assert.equal(await store.get("http://one:1885"), undefined);
    await store.set("http://one:1885", credential("K1"));
    await store.set("http://two:1885", credential("K2"));
    assert.equal((await store.get("http://one:1885"))?.token, "K1");
    assert.equal((await new CredentialsStore(path).get("http://two:1885"))?.token, "K2");
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(join(folder, "a", "lorastack"))).mode & 0o777, 0o700);
    assert.deepEqual(await readdir(join(folder, "a", "lorastack")), ["credentials.json"]);
    assert.equal(await store.remove("http://one:1885"), true);
    assert.equal(await store.remove("http://one:1885"), false);
    const file = JSON.parse(await readFile(path, "utf8"));
    assert.deepEqual(Object.keys(file.servers), ["http://two:1885"]);
  });

  it("refuses a file that is not its own instead of overwriting it; skips unknown kinds", async () => {
    const path = join(folder, "broken.json");
    await writeFile(path, "not json");
    await assert.rejects(new CredentialsStore(path).read(), (error) =>
      errCredentialsFile.matches(error),
    );
    await writeFile(path, JSON.stringify({ servers: [] }));
    await assert.rejects(new CredentialsStore(path).set("http://x", credential("K")));
    assert.equal(await readFile(path, "utf8"), JSON.stringify({ servers: [] }));
    await writeFile(
      path,
      JSON.stringify({ servers: { "http://a": { kind: "future" }, "http://b": credential("B") } }),
    );
    assert.deepEqual(Object.keys((await new CredentialsStore(path).read()).servers), ["http://b"]);
  });
});

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runLorastack, startLorastack } from "../harness/lorastack-process.ts";
import { run } from "../harness/run.ts";

let scratch: string;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), "lorastack-e2e-cli-"));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("lorastack start", () => {
  it("starts on its embedded defaults, answers health, readiness and metrics, and stops on SIGINT", async () => {
    const stack = await startLorastack();
    try {
      assert.match(stack.httpUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${stack.httpUrl}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: "ok" });

      const ready = await fetch(`${stack.httpUrl}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), {
        ready: true,
        components: { is: true, js: true, ns: true, as: true, gs: true, gcs: true, console: true },
        // Every peer the components need runs in this process.
        dependencies: {
          database: "ok",
          "peer:is": "ok",
          "peer:js": "ok",
          "peer:ns": "ok",
          "peer:as": "ok",
          "peer:gs": "ok",
        },
        failed: [],
      });

      const metrics = await fetch(`http://${stack.listeners.get("metrics")}/metrics`);
      assert.equal(metrics.status, 200);
      assert.match(metrics.headers.get("content-type") ?? "", /^text\/plain/);
      assert.match(await metrics.text(), /^lorastack_process_cpu_user_seconds_total/m);

      const started = stack.logs.find((line) => line.msg === "lorastack started");
      // Components open their own listeners (the Join Server's Backend Interfaces, the
      // Application Server's MQTT, the Gateway Server's UDP port) as they start, before the
      // runtime's HTTP and gRPC ports open to traffic. Without tls.* the TLS listeners stay
      // closed.
      assert.deepEqual(started?.listeners, [
        `interop ${stack.listeners.get("interop")}`,
        `mqtt ${stack.listeners.get("mqtt")}`,
        `udp ${stack.listeners.get("udp")}`,
        `basic_station ${stack.listeners.get("basic_station")}`,
        `http ${stack.listeners.get("http")}`,
        `metrics ${stack.listeners.get("metrics")}`,
        `grpc ${stack.listeners.get("grpc")}`,
      ]);
      assert.deepEqual(started?.components, ["is", "js", "ns", "as", "gs", "gcs", "console"]);
      assert.ok(
        existsSync(join(stack.dataDir, "lorastack.db")),
        "the SQLite database is in the data dir",
      );
    } finally {
      const exit = await stack.stop("SIGINT");
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.ok(
        stack.logs.some((line) => line.msg === "stopped"),
        "logs that it stopped",
      );
    }
  });

  it("stops cleanly on SIGTERM too", async () => {
    const stack = await startLorastack();
    const exit = await stack.stop("SIGTERM");
    assert.deepEqual(exit, { code: 0, signal: null });
  });

  it("serves HTTPS on http.listen_tls when a certificate and key are configured", async (t) => {
    const cert = join(scratch, "cert.pem");
    const key = join(scratch, "key.pem");
    const made = await run("openssl", [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-subj",
      "/CN=localhost",
      "-days",
      "1",
      "-keyout",
      key,
      "-out",
      cert,
    ]).catch(() => undefined);
    if (made?.code !== 0) {
      t.skip("openssl is not available to make a test certificate");
      return;
    }
    const stack = await startLorastack({
      env: {
        LORASTACK_TLS_CERTIFICATE: cert,
        LORASTACK_TLS_KEY: key,
        LORASTACK_HTTP_LISTEN_TLS: "127.0.0.1:0",
      },
    });
    try {
      const address = stack.listeners.get("http (tls)");
      assert.ok(address, "logs the TLS listener");
      const status = await new Promise<number>((resolve, reject) => {
        request(`https://${address}/healthz`, { rejectUnauthorized: false }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        })
          .on("error", reject)
          .end();
      });
      assert.equal(status, 200);
    } finally {
      await stack.stop();
    }
  });

  it("exits with code 2 and names http.listen when its value is bad", async () => {
    const result = await runLorastack(["start"], {
      dataDir: scratch,
      env: { LORASTACK_HTTP_LISTEN: "nonsense" },
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /http\.listen = "nonsense"/);
    assert.match(result.stderr, /LORASTACK_HTTP_LISTEN/);
    assert.match(result.stderr, /expected a listen address/);
  });

  it("exits with code 2 for a bad flag and for an unknown key in the configuration file", async () => {
    const flag = await runLorastack(["start", "--http.listen", "localhost:99999"], {
      dataDir: scratch,
    });
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /http\.listen = "localhost:99999" \(from flag --http\.listen\)/);

    const file = join(scratch, "bad.yml");
    await writeFile(file, "http:\n  lisen: ':1885'\n");
    const fromFile = await runLorastack(["start", "--config", file], { dataDir: scratch });
    assert.equal(fromFile.code, 2);
    assert.match(fromFile.stderr, /unknown key http\.lisen/);
  });

  it("exits with code 2 for an unknown component and for one that is not built yet", async () => {
    const unknown = await runLorastack(["start", "frobnicator"], { dataDir: scratch });
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /unknown component `frobnicator`; known components: is, js, ns, as, gs/,
    );

    const notBuilt = await runLorastack(["start", "gs", "dcs"], { dataDir: scratch });
    assert.equal(notBuilt.code, 2);
    assert.match(notBuilt.stderr, /component `dcs` \(Device Claiming Server\) is not built/);
  });
});

describe("lorastack config, version and db migrate", () => {
  it("prints the effective configuration with secrets redacted", async () => {
    const file = join(scratch, "lorastack.yml");
    await writeFile(file, "log:\n  level: debug\nhttp:\n  listen: ':2885'\n");
    const result = await runLorastack(["config", "--grpc.listen", ":3884"], {
      dataDir: scratch,
      cwd: scratch,
      env: {
        LORASTACK_DATABASE_URI: "postgres://lora:s3cret@db.example:5432/lorastack",
        LORASTACK_HTTP_LISTEN: ":4885",
      },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /level: debug/, "reads ./lorastack.yml");
    assert.match(result.stdout, /listen: :4885/, "environment overrides the file");
    assert.match(result.stdout, /listen: :3884/, "flags apply");
    assert.match(result.stdout, /uri: postgres:\/\/lora:\*\*\*@db\.example:5432\/lorastack/);
    assert.doesNotMatch(result.stdout, /s3cret/);
  });

  it("prints the version", async () => {
    const result = await runLorastack(["version"], { dataDir: scratch });
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^lorastack \d+\.\d+\.\d+ \(node v24\./);
  });

  it("migrates a fresh database, then reports it up to date", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-db-"));
    try {
      const first = await runLorastack(["db", "migrate"], { dataDir });
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /applied 0001-metadata/);
      const installation = /installation: (\S+)/.exec(first.stdout)?.[1];
      const second = await runLorastack(["db", "migrate"], { dataDir });
      assert.match(second.stdout, /already up to date/);
      assert.match(second.stdout, new RegExp(`installation: ${installation}`));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

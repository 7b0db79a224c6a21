/**
 * Issue 9 points 7, 14 and 15 through the real program: idle and slow connections are closed
 * on every listener (HTTP/1.1, h2c, TLS, HTTP/2 sessions), one address cannot hold more than
 * its share (a clear refusal), the open-file limit is raised and logged, metrics are served on
 * a listener of their own, and URIs are printed without their secrets.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { connect as connectHttp2, constants as http2 } from "node:http2";
import { connect as connectTcp, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { skipOutsideCi } from "../harness/ci.ts";
import {
  type LorastackProcess,
  runLorastack,
  startLorastack,
} from "../harness/lorastack-process.ts";
import { postgresSkipReason, startPostgres } from "../harness/postgres.ts";
import { makeTestCertificate, type TestCertificate } from "../harness/tls-certificate.ts";

let certificate: TestCertificate | undefined;
let stack: LorastackProcess;

const maxPerAddress = 100;

before(async () => {
  certificate = await makeTestCertificate();
  assert.ok(skipOutsideCi(certificate ? undefined : "openssl is missing") === undefined);
  stack = await startLorastack({
    env: {
      LORASTACK_TLS_CERTIFICATE: certificate?.certificateFile ?? "",
      LORASTACK_TLS_KEY: certificate?.keyFile ?? "",
      LORASTACK_HTTP_LISTEN_TLS: "127.0.0.1:0",
      LORASTACK_GRPC_LISTEN_TLS: "127.0.0.1:0",
      LORASTACK_CONNECTIONS_HEADER_TIMEOUT: "3s",
      LORASTACK_CONNECTIONS_REQUEST_TIMEOUT: "4s",
      LORASTACK_CONNECTIONS_IDLE_TIMEOUT: "3s",
      LORASTACK_CONNECTIONS_MAX_PER_ADDRESS: String(maxPerAddress),
      LORASTACK_METRICS_TOKEN: "metrics-T0ken",
    },
  });
});

after(async () => {
  await stack?.stop();
  await certificate?.remove();
});

/** host and port of a listener. */
function endpoint(name: string): { host: string; port: number } {
  const address = stack.listeners.get(name);
  assert.ok(address, `listener ${name}`);
  const match = /^(.*):(\d+)$/.exec(address) as RegExpExecArray;
  return { host: match[1] as string, port: Number(match[2]) };
}

/** Opens a TCP connection from `localAddress` (any 127.x.y.z is the loopback on Linux). */
function open(name: string, localAddress: string): Promise<Socket> {
  const { host, port } = endpoint(name);
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host, port, localAddress }, () => resolve(socket));
    socket.on("error", reject);
  });
}

const http2Preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

/**
 * Resolves once the server has taken the connection: a TCP connect completes in the kernel before
 * the server process accepts it, and the HTTP and gRPC ports are accepted in no fixed order. An HTTP/2
 * connection sends its preface, an HTTP/1.1 connection asks for /healthz.
 */
function accepted(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once("data", () => resolve(socket));
    socket.once("close", () => reject(new Error("closed before the server answered")));
    if (socket.remotePort === endpoint("http").port)
      socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    // The client preface and an empty SETTINGS frame: the server answers with its SETTINGS.
    else socket.write(Buffer.concat([http2Preface, Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]));
  });
}

/** Resolves with the time from now until the socket closes, and what it received. */
function closed(socket: Socket): Promise<{ afterMs: number; received: string }> {
  const start = Date.now();
  let received = "";
  socket.on("data", (chunk) => {
    received += chunk.toString("latin1");
  });
  socket.on("error", () => {});
  return new Promise((resolve) => {
    if (socket.destroyed) resolve({ afterMs: 0, received });
    socket.once("close", () => resolve({ afterMs: Date.now() - start, received }));
  });
}

async function healthMs(): Promise<number> {
  const started = Date.now();
  const response = await fetch(`${stack.httpUrl}/healthz`);
  assert.equal(response.status, 200);
  return Date.now() - started;
}

describe("idle and slow connections", () => {
  it("thousands of idle connections on every listener do not stop /healthz; they are closed after the header timeout", async () => {
    const listeners = ["http", "grpc", "http (tls)", "grpc (tls)"];
    const sockets: Socket[] = [];
    // 3,200 connections from 32 addresses, each below the per-address cap.
    const opening: Promise<Socket>[] = [];
    for (let address = 0; address < 32; address++) {
      const name = listeners[address % listeners.length] as string;
      for (let index = 0; index < maxPerAddress; index++)
        opening.push(open(name, `127.0.1.${address + 1}`));
    }
    sockets.push(...(await Promise.all(opening)));
    const closings = sockets.map(closed);
    const during = await healthMs();
    assert.ok(
      during < 2_000,
      `/healthz took ${during} ms beside ${sockets.length} idle connections`,
    );
    const still = sockets.filter((socket) => !socket.destroyed).length;
    assert.ok(
      still > 3_000,
      `${still} of ${sockets.length} were still open when /healthz answered`,
    );
    const results = await Promise.all(closings);
    const slowest = Math.max(...results.map((result) => result.afterMs));
    assert.ok(slowest < 12_000, `the last idle connection was closed after ${slowest} ms`);
    // HTTP/1.1 clients are told why (408 in TTS's error shape).
    assert.ok(
      results.some((result) => /^HTTP\/1\.1 408 /.test(result.received)),
      "a 408 for idle HTTP/1.1 connections",
    );
    assert.ok((await healthMs()) < 2_000);
  });

  it("closes a connection that sends its headers too slowly, with 408", async () => {
    for (const name of ["http", "grpc"]) {
      const socket = await open(name, "127.0.2.1");
      const closing = closed(socket);
      const drip = setInterval(() => {
        if (!socket.destroyed) socket.write("X");
      }, 200);
      socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
      const result = await closing;
      clearInterval(drip);
      assert.ok(result.afterMs < 7_000, `${name}: closed after ${result.afterMs} ms`);
      assert.match(result.received, /^HTTP\/1\.1 408 /, name);
    }
  });

  it("closes a request whose body does not arrive within the request timeout", async () => {
    const socket = await open("http", "127.0.2.2");
    const closing = closed(socket);
    socket.write(
      "POST /api/v3/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
    );
    const result = await closing;
    assert.ok(result.afterMs > 2_500 && result.afterMs < 9_000, `after ${result.afterMs} ms`);
  });

  it("closes an HTTP/1.1 keep-alive connection after the idle timeout", async () => {
    const socket = await open("http", "127.0.2.3");
    const closing = closed(socket);
    socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    const result = await closing;
    assert.match(result.received, /^HTTP\/1\.1 200 /);
    assert.ok(result.afterMs >= 2_500 && result.afterMs < 8_000, `after ${result.afterMs} ms`);
  });

  it("closes an idle HTTP/2 session with GOAWAY after the idle timeout, and a stalled stream after the request timeout", async () => {
    const { host, port } = endpoint("grpc");
    const session = connectHttp2(`http://${host}:${port}`);
    session.on("error", () => {});
    const goaway = new Promise<number>((resolve) => session.once("goaway", resolve));
    const sessionClosed = new Promise<void>((resolve) => session.once("close", resolve));
    // A stream whose request never ends: the server cancels it.
    const stalled = session.request({
      ":method": "POST",
      ":path": "/ttn.lorawan.v3.ApplicationRegistry/Get",
      "content-type": "application/grpc",
      te: "trailers",
    });
    stalled.on("error", () => {});
    stalled.resume();
    const started = Date.now();
    stalled.write(Buffer.from([0, 0, 0, 0, 10]));
    const rst = await new Promise<number>((resolve) =>
      stalled.once("close", () => resolve(stalled.rstCode ?? -1)),
    );
    const streamMs = Date.now() - started;
    assert.ok(streamMs >= 3_000 && streamMs < 9_000, `stream cancelled after ${streamMs} ms`);
    assert.equal(rst, http2.NGHTTP2_CANCEL);
    // Now without streams: the session is closed after the idle timeout.
    const code = await goaway;
    const sessionMs = Date.now() - started;
    assert.equal(code, http2.NGHTTP2_NO_ERROR);
    assert.ok(sessionMs < streamMs + 8_000, `session closed ${sessionMs - streamMs} ms after`);
    await sessionClosed;
  });
});

describe("connections per address", () => {
  it("refuses connections past the cap clearly, on the HTTP and the gRPC port, and keeps serving others", async () => {
    const address = "127.0.3.1";
    // The cap counts the HTTP and gRPC ports together.
    const held = await Promise.all(
      Array.from({ length: maxPerAddress }, (_, index) =>
        open(index % 2 === 0 ? "http" : "grpc", address).then(accepted),
      ),
    );
    try {
      const refused = await open("http", address);
      const answer = await closed(refused);
      assert.match(answer.received, /^HTTP\/1\.1 429 Too Many Requests\r\n/);
      const body = answer.received.slice(answer.received.indexOf("\r\n\r\n") + 4);
      assert.deepEqual(JSON.parse(body), { code: 8, message: "Too Many Requests", details: [] });

      const { host, port } = endpoint("grpc");
      const session = connectHttp2(`http://${host}:${port}`, {
        createConnection: () => connectTcp({ host, port, localAddress: address }),
      });
      session.on("error", () => {});
      const goaway = await new Promise<{ code: number; reason: string }>((resolve) =>
        session.once("goaway", (code, _last, data) =>
          resolve({ code, reason: data?.toString() ?? "" }),
        ),
      );
      assert.equal(goaway.code, http2.NGHTTP2_ENHANCE_YOUR_CALM);
      assert.match(goaway.reason, /too many connections from this address/);
      session.destroy();

      assert.ok((await healthMs()) < 2_000, "other addresses are served");
      const metrics = await fetch(`http://${stack.listeners.get("metrics")}/metrics`, {
        headers: { authorization: "Bearer metrics-T0ken" },
      });
      assert.match(
        await metrics.text(),
        /^lorastack_connections_refused_total\{reason="address",.*\} [1-9]/m,
      );
      assert.ok(
        stack.logs.some((line) => line.msg === "refused a connection" && line.reason === "address"),
        "the refusal is logged",
      );
    } finally {
      for (const socket of held) socket.destroy();
    }
  });
});

describe("metrics", () => {
  it("are not served on the API port, but on their own listener, behind the token when one is set", async () => {
    assert.equal((await fetch(`${stack.httpUrl}/metrics`)).status, 404);
    const url = `http://${stack.listeners.get("metrics")}/metrics`;
    const anonymous = await fetch(url);
    assert.equal(anonymous.status, 401);
    assert.deepEqual(await anonymous.json(), { code: 16, message: "Unauthorized", details: [] });
    assert.equal((await fetch(url, { headers: { authorization: "Bearer wrong" } })).status, 401);
    const metrics = await fetch(url, { headers: { authorization: "Bearer metrics-T0ken" } });
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /^lorastack_connections_open\{.*\} \d+/m);
    const config = await runLorastack(["config"], { dataDir: stack.dataDir });
    assert.doesNotMatch(config.stdout, /metrics-T0ken/);
  });
});

describe("open-file limit", () => {
  it("is raised to the hard limit at start and logged; a cap that does not fit is lowered, with a warning", async (t) => {
    const limit = (pid: number) =>
      /^Max open files\s+(\d+)\s+(\d+)/m.exec(
        execFileSync("cat", [`/proc/${pid}/limits`], { encoding: "utf8" }),
      );
    const own = limit(process.pid);
    if (!own) return t.skip("no /proc/<pid>/limits here");
    const [soft, hard] = [Number(own[1]), Number(own[2])];
    const lowered = Math.min(hard, 2_048);
    try {
      // The child inherits a lower soft limit than its hard one.
      execFileSync("prlimit", ["--pid", String(process.pid), `--nofile=${lowered}:`]);
    } catch {
      return t.skip("prlimit (util-linux) is not available");
    }
    let child: LorastackProcess | undefined;
    try {
      child = await startLorastack({ env: { LORASTACK_CONNECTIONS_MAX_TOTAL: String(hard * 2) } });
    } finally {
      execFileSync("prlimit", ["--pid", String(process.pid), `--nofile=${soft}:`]);
    }
    try {
      const line = child.logs.find((entry) =>
        entry.msg?.startsWith("the open-file limit is below"),
      );
      assert.ok(line, "warns that connections.max_total does not fit");
      assert.equal(line.level, 40);
      assert.equal(line.soft, hard, "the soft limit was raised to the hard one");
      assert.equal(line.hard, hard);
      assert.equal(line.needed, hard * 2 + 1024);
      assert.equal(line.max_connections, hard - 1024);
      const actual = limit(child.child.pid as number);
      assert.equal(Number(actual?.[1]), hard);
    } finally {
      await child.stop();
    }
  });

  it("is logged at info level when the configuration fits", () => {
    const line = stack.logs.find((entry) => entry.msg === "open-file limit");
    assert.ok(line, JSON.stringify(stack.logs.slice(0, 5)));
    assert.equal(line.max_connections, 10_000);
    assert.equal(line.needed, 11_024);
  });
});

describe("secrets in URIs", () => {
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), "lorastack-e2e-redact-"));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it("are not printed by `lorastack config`, whatever the URI looks like", async () => {
    const printed = await runLorastack(["config"], {
      dataDir: scratch,
      env: {
        LORASTACK_DATABASE_URI:
          "postgres://lora:pa/ss-W0rd@db:5432/lorastack?sslpassword=ssl-S3cret",
        LORASTACK_REDIS_URI: "redis://cache:6379/0?password=r3dis-S3cret",
      },
    });
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stdout, /postgres:\/\/lora:\*\*\*@db:5432\/lorastack\?sslpassword=\*\*\*/);
    assert.match(printed.stdout, /redis:\/\/cache:6379\/0\?password=\*\*\*/);
    assert.doesNotMatch(printed.stdout, /W0rd|S3cret/);
  });

  it("are not in the start-up log line of the database", async (t) => {
    const reason = skipOutsideCi(postgresSkipReason());
    if (reason) return t.skip(reason);
    const postgres = await startPostgres();
    try {
      const uri = await postgres.createDatabase();
      // The server trusts local connections: the password in the query is never asked for.
      const withSecret = `${uri}${uri.includes("?") ? "&" : "?"}password=query-S3cret`;
      const child = await startLorastack({ env: { LORASTACK_DATABASE_URI: withSecret } });
      try {
        const ready = child.logs.find((line) => line.msg === "database ready");
        assert.ok(ready);
        assert.match(String(ready.database), /password=\*\*\*/);
        assert.doesNotMatch(JSON.stringify(child.logs), /S3cret/);
      } finally {
        await child.stop();
      }
    } finally {
      await postgres.stop();
    }
  });
});

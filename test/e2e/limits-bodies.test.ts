/**
 * Issue 9 points 6, 11, 12, 13 and TTS's wrapper JSON, through the real program: request
 * bodies that are too large or compression bombs on every RPC route and port, strings that are
 * not Unicode and malformed protobuf, huge pages, field paths that are not fields, and end
 * device bodies as TTS scripts send them.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { createGzip, gzipSync } from "node:zlib";
import {
  type LogLine,
  type LorastackProcess,
  runLorastack,
  startLorastack,
} from "../harness/lorastack-process.ts";

// biome-ignore lint/suspicious/noExplicitAny: the assertions check the shape
type ApiJson = Record<string, any>;

let dataDir: string;
let stack: LorastackProcess;
let adminKey: string;
let grpcAddress: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-limits-"));
  const run = async (args: string[]) => {
    const result = await runLorastack(args, { dataDir });
    assert.equal(result.code, 0, result.stderr);
    return result.stdout;
  };
  await run(["is-db", "init"]);
  await run([
    ...["is-db", "create-admin-user", "--id", "admin", "--email", "admin@example.com"],
    ...["--password", "Correct-Horse1"],
  ]);
  const created = await run(["is-db", "create-api-key", "--user-id", "admin", "--name", "e2e"]);
  adminKey = created.trim().split("\n").at(-1) as string;
  stack = await startLorastack({ dataDir });
  grpcAddress = stack.listeners.get("grpc") as string;
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function api(method: string, path: string, body?: unknown, key: string | null = adminKey) {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${stack.httpUrl}/api/v3${path}`, {
    method,
    headers,
    body: typeof body === "string" ? body : body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : {}) as ApiJson };
}

/** A gRPC message envelope: flags (1: compressed), 4 bytes length, the message. */
function envelope(message: Uint8Array, compressed: boolean): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt8(compressed ? 1 : 0, 0);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

/** One gRPC call over HTTP/2 on the gRPC port: its HTTP status and gRPC status and message. */
async function grpcCall(
  path: string,
  body: Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; grpcStatus: string; grpcMessage: string }> {
  const session = connect(`http://${grpcAddress}`);
  try {
    return await new Promise((resolve, reject) => {
      const stream = session.request({
        ":method": "POST",
        ":path": path,
        "content-type": "application/grpc",
        te: "trailers",
        ...headers,
      });
      let status = 0;
      const found: Record<string, string> = {};
      const take = (fields: Record<string, unknown>) => {
        for (const name of ["grpc-status", "grpc-message"])
          if (fields[name] !== undefined) found[name] = String(fields[name]);
      };
      stream.on("response", (fields) => {
        status = Number(fields[":status"]);
        take(fields);
      });
      stream.on("trailers", take);
      stream.on("data", () => {});
      stream.on("error", reject);
      stream.on("close", () =>
        resolve({
          status,
          grpcStatus: found["grpc-status"] ?? "",
          grpcMessage: decodeURIComponent(found["grpc-message"] ?? ""),
        }),
      );
      stream.end(body);
    });
  } finally {
    session.close();
  }
}

/** The process's resident set now and at its peak (kB), from /proc. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1]);
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

/** Gzip of `mebibytes` MiB of zeros, made without holding them. */
async function gzipBomb(mebibytes: number): Promise<Buffer> {
  const zeros = Buffer.alloc(1024 * 1024);
  const source = Readable.from(
    (function* () {
      for (let i = 0; i < mebibytes; i++) yield zeros;
    })(),
  );
  const chunks: Buffer[] = [];
  for await (const chunk of source.pipe(createGzip({ level: 9 }))) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const getApplication = "/ttn.lorawan.v3.ApplicationRegistry/Get";

describe("request bodies on the RPC routes", () => {
  it("refuses ten gzip bombs on every port and protocol without growing the process; /healthz stays fast", async () => {
    const bomb = await gzipBomb(128);
    assert.ok(bomb.length < 1024 * 1024, `the bomb is ${bomb.length} bytes compressed`);
    const pid = stack.child.pid as number;
    // Warm up every path once with a small, valid-size body.
    await grpcCall(getApplication, envelope(gzipSync(Buffer.alloc(0)), true), {
      "grpc-encoding": "gzip",
    });
    const before = memory(pid);
    const httpPort = stack.httpUrl;
    const grpcUrl = `http://${grpcAddress}`;
    const connectUnary = (base: string) =>
      fetch(`${base}${getApplication}`, {
        method: "POST",
        headers: { "content-type": "application/proto", "content-encoding": "gzip" },
        body: bomb,
      }).then(async (response) => ({ status: response.status, body: await response.text() }));
    const grpcWeb = (base: string) =>
      fetch(`${base}${getApplication}`, {
        method: "POST",
        headers: { "content-type": "application/grpc-web+proto", "grpc-encoding": "gzip" },
        body: envelope(bomb, true),
      }).then(async (response) => ({ status: response.status, body: await response.text() }));
    const grpc = () =>
      grpcCall(getApplication, envelope(bomb, true), { "grpc-encoding": "gzip" }).then(
        (answer) => ({ status: answer.status, body: `${answer.grpcStatus} ${answer.grpcMessage}` }),
      );
    const calls = [
      grpc(),
      grpc(),
      grpcWeb(grpcUrl),
      grpcWeb(grpcUrl),
      grpcWeb(httpPort),
      grpcWeb(httpPort),
      connectUnary(grpcUrl),
      connectUnary(grpcUrl),
      connectUnary(httpPort),
      connectUnary(httpPort),
    ];
    const started = Date.now();
    const health = await fetch(`${stack.httpUrl}/healthz`);
    const healthMs = Date.now() - started;
    assert.equal(health.status, 200);
    const answers = await Promise.all(calls);
    for (const answer of answers) {
      // gRPC status 8 / Connect "resource_exhausted" (HTTP 429): larger than readMaxBytes.
      assert.match(
        `${answer.status} ${answer.body}`,
        /(^200 8 |resource_exhausted|grpc-status:\s*8)/,
        JSON.stringify(answer),
      );
    }
    const afterBombs = memory(pid);
    const grewMiB = (afterBombs.peak - before.peak) / 1024;
    assert.ok(
      grewMiB < 100,
      `peak RSS grew by ${grewMiB.toFixed(0)} MiB (${before.peak} → ${afterBombs.peak} kB)`,
    );
    assert.ok(healthMs < 2_000, `/healthz took ${healthMs} ms during the bombs`);
  });

  it("refuses an uncompressed message over the limit before reading it", async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 0x0a);
    const answer = await grpcCall(getApplication, envelope(big, false));
    assert.equal(answer.grpcStatus, "8", answer.grpcMessage);
    const connectAnswer = await fetch(`${stack.httpUrl}${getApplication}`, {
      method: "POST",
      headers: { "content-type": "application/proto" },
      body: big,
    });
    assert.equal(connectAnswer.status, 429);
    assert.match(await connectAnswer.text(), /resource_exhausted/);
    const rest = await api("POST", "/users/admin/applications", `"${"x".repeat(2 * 1024 * 1024)}"`);
    assert.equal(rest.status, 413);
  });

  it("answers malformed protobuf with INVALID_ARGUMENT on gRPC, gRPC-Web and Connect", async () => {
    const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    const grpc = await grpcCall(getApplication, envelope(garbage, false));
    assert.equal(grpc.grpcStatus, "3", grpc.grpcMessage);
    assert.match(grpc.grpcMessage, /malformed_message/);
    const web = await fetch(`http://${grpcAddress}${getApplication}`, {
      method: "POST",
      headers: { "content-type": "application/grpc-web+proto" },
      body: envelope(garbage, false),
    });
    assert.match(await web.text(), /grpc-status:\s*3/);
    const unary = await fetch(`${stack.httpUrl}${getApplication}`, {
      method: "POST",
      headers: { "content-type": "application/proto" },
      body: garbage,
    });
    assert.equal(unary.status, 400);
    const body = (await unary.json()) as ApiJson;
    assert.equal(body.code, "invalid_argument");
    assert.match(body.message, /malformed_message/);
    const errors = stack.logs.filter((line: LogLine) => (line.level ?? 0) >= 50);
    assert.deepEqual(errors, [], "nothing is logged as our error");
  });
});

describe("strings that are not Unicode", () => {
  it("are a 400 naming the field, not an unauthenticated 500", async () => {
    const body = '{"application": {"ids": {"application_id": "app-s"}, "name": "a\\ud800b"}}';
    for (const key of [null, adminKey]) {
      const answer = await api("POST", "/users/admin/applications", body, key);
      assert.equal(answer.status, 400, JSON.stringify(answer.json));
      assert.match(answer.json.message, /application\.name.*lone surrogate/);
    }
    const attribute =
      '{"application": {"ids": {"application_id": "app-s"}, "attributes": {"\\udc00": "x"}}}';
    assert.equal((await api("POST", "/users/admin/applications", attribute)).status, 400);
    const errors = stack.logs.filter((line: LogLine) => (line.level ?? 0) >= 50);
    assert.deepEqual(errors, [], "nothing is logged as our error");
  });
});

describe("paging", () => {
  it("answers the largest page numbers with 400 or an empty page, never 500", async () => {
    const huge = await api("GET", "/applications?limit=4294967295&page=4294967295");
    assert.equal(huge.status, 400, JSON.stringify(huge.json));
    for (const path of [
      "/applications?limit=1000&page=4294967295",
      "/applications?limit=1&page=4294967295",
      "/gateways?page=4294967295",
      "/organizations?limit=1000&page=4294967295",
      "/users?limit=1000&page=4294967295",
      "/users/admin/api-keys?limit=1000&page=4294967295",
      "/search/applications?limit=1000&page=4294967295",
    ]) {
      const answer = await api("GET", path);
      assert.equal(answer.status, 200, `${path}: ${JSON.stringify(answer.json)}`);
      assert.deepEqual(Object.values(answer.json).flat(), [], path);
    }
    assert.equal((await api("GET", "/applications?page=4294967296")).status, 400);
  });
});

describe("field mask paths and order", () => {
  before(async () => {
    const created = await api("POST", "/users/admin/applications", {
      application: { ids: { application_id: "app-masks" }, name: "Masks" },
    });
    assert.equal(created.status, 200, JSON.stringify(created.json));
  });

  for (const path of ["__proto__", "constructor", "toString", "ids.__proto__", "name.length"]) {
    it(`refuses ${path} as a field path and as an order, on every route`, async () => {
      const get = await api("GET", `/applications/app-masks?field_mask=${path}`);
      assert.equal(get.status, 400, JSON.stringify(get.json));
      const list = await api("GET", `/applications?field_mask=name,${path}`);
      assert.equal(list.status, 400, JSON.stringify(list.json));
      const update = await api("PUT", "/applications/app-masks", {
        application: { name: "Changed" },
        field_mask: { paths: [path] },
      });
      assert.equal(update.status, 400, JSON.stringify(update.json));
      const search = await api("GET", `/search/applications?field_mask=${path}`);
      assert.equal(search.status, 400, JSON.stringify(search.json));
      const order = await api("GET", `/applications?order=${path}`);
      assert.equal(order.status, 400, JSON.stringify(order.json));
      const descending = await api("GET", `/applications?order=-${path}`);
      assert.equal(descending.status, 400, JSON.stringify(descending.json));
    });
  }

  it("still takes real paths and orders", async () => {
    const get = await api("GET", "/applications/app-masks?field_mask=name,ids.application_id");
    assert.equal(get.status, 200, JSON.stringify(get.json));
    assert.equal(get.json.name, "Masks");
    const list = await api("GET", "/applications?field_mask=name&order=-created_at");
    assert.equal(list.status, 200, JSON.stringify(list.json));
  });

  it("refuses them over gRPC too", async () => {
    // GetApplicationRequest{application_ids{application_id: "app-masks"}, field_mask{paths: ["__proto__"]}}
    const ids = Buffer.concat([Buffer.from([0x0a, 9]), Buffer.from("app-masks")]);
    const path = Buffer.from("__proto__");
    const mask = Buffer.concat([Buffer.from([0x0a, path.length]), path]);
    const request = Buffer.concat([
      Buffer.from([0x0a, ids.length]),
      ids,
      Buffer.from([0x12, mask.length]),
      mask,
    ]);
    const answer = await grpcCall(getApplication, envelope(request, false), {
      authorization: `Bearer ${adminKey}`,
    });
    assert.equal(answer.grpcStatus, "3", answer.grpcMessage);
    assert.match(answer.grpcMessage, /invalid_field_path/);
  });
});

describe("TTS's wrapper JSON", () => {
  it("registers an end device with MAC settings as TTS scripts send them", async () => {
    const app = await api("POST", "/users/admin/applications", {
      application: { ids: { application_id: "app-mac" } },
    });
    assert.equal(app.status, 200, JSON.stringify(app.json));
    const created = await api("POST", "/applications/app-mac/devices", {
      end_device: {
        ids: {
          device_id: "dev-mac",
          application_ids: { application_id: "app-mac" },
          dev_eui: "70B3D57ED0000001",
          join_eui: "0000000000000000",
        },
        name: "MAC settings",
        lorawan_version: "1.0.3",
        lorawan_phy_version: "1.0.3-a",
        frequency_plan_id: "EU_863_870_TTN",
        mac_settings: {
          rx1_delay: 5,
          rx2_data_rate_index: 3,
          desired_rx2_frequency: "869525000",
          desired_rx1_delay: "RX_DELAY_1",
          supports_32_bit_f_cnt: true,
          resets_f_cnt: { value: false },
        },
      },
      field_mask: {
        paths: [
          "name",
          "lorawan_version",
          "lorawan_phy_version",
          "frequency_plan_id",
          "mac_settings.rx1_delay",
          "mac_settings.rx2_data_rate_index",
          "mac_settings.desired_rx2_frequency",
        ],
      },
    });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    assert.equal(created.json.name, "MAC settings");
    const wrong = await api("POST", "/applications/app-mac/devices", {
      end_device: {
        ids: { device_id: "dev-bad", application_ids: { application_id: "app-mac" } },
        mac_settings: { rx1_delay: 16 },
      },
    });
    assert.equal(wrong.status, 400, JSON.stringify(wrong.json));
    assert.match(wrong.json.message, /end_device\.mac_settings\.rx1_delay/);
  });
});

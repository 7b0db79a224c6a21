/**
 * Peers across processes: a real `lorastack start` runs the Identity Server with a cluster key;
 * a second process without it (test/harness/peer-process.ts: the real runtime and a test-only
 * route) finds the Identity Server through DNS SRV (a DNS server run by this test) and asks it
 * for rights through the peer client with the cluster key.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type DnsServer, startDnsServer } from "../harness/dns-server.ts";
import {
  type LorastackProcess,
  repositoryRoot,
  runLorastack,
  startLorastack,
} from "../harness/lorastack-process.ts";

// biome-ignore lint/suspicious/noExplicitAny: the assertions check the shape
type Json = Record<string, any>;

const clusterKey = "c0ffee".repeat(8);
const domain = "lorastack.test";
const peerProcess = join(repositoryRoot, "test", "harness", "peer-process.ts");

let dataDir: string;
let identityServer: LorastackProcess;
let dns: DnsServer;
let adminKey: string;
let appKey: string;
const started: LorastackProcess[] = [];

/** A process without the Identity Server that reaches it at `domain` through the test's DNS. */
async function peerWith(key: string): Promise<LorastackProcess> {
  const peer = await startLorastack({
    script: peerProcess,
    env: {
      LORASTACK_CLUSTER_KEYS: key,
      LORASTACK_CLUSTER_IDENTITY_SERVER_ADDRESS: domain,
      LORASTACK_CLUSTER_DNS_SERVERS: dns.address,
    },
  });
  started.push(peer);
  return peer;
}

async function rightsVia(
  peer: LorastackProcess,
  authorization: string,
  entity = "kind=application&id=app1",
): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${peer.httpUrl}/test/rights?${entity}`, {
    headers: { authorization },
  });
  return { status: response.status, json: (await response.json()) as Json };
}

async function api(method: string, path: string, key: string, body?: unknown) {
  const response = await fetch(`${identityServer.httpUrl}/api/v3${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : {}) as Json };
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-peers-"));
  const env = { LORASTACK_CLUSTER_KEYS: clusterKey };
  for (const args of [
    ["is-db", "init"],
    [
      "is-db",
      "create-admin-user",
      "--id",
      "admin",
      "--email",
      "a@example.com",
      "--password",
      "Correct-Horse1",
    ],
  ]) {
    const result = await runLorastack(args, { dataDir, env });
    assert.equal(result.code, 0, result.stderr);
  }
  const key = await runLorastack(["is-db", "create-api-key", "--user-id", "admin"], {
    dataDir,
    env,
  });
  adminKey = key.stdout.trim().split("\n").at(-1) as string;
  identityServer = await startLorastack({ dataDir, env });
  started.push(identityServer);

  const created = await api("POST", "/users/admin/applications", adminKey, {
    application: { ids: { application_id: "app1" } },
  });
  assert.equal(created.status, 200, JSON.stringify(created.json));
  const made = await api("POST", "/applications/app1/api-keys", adminKey, {
    name: "reader",
    rights: ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_TRAFFIC_READ"],
  });
  assert.equal(made.status, 200, JSON.stringify(made.json));
  appKey = made.json.key;

  const grpc = identityServer.listeners.get("grpc");
  assert.ok(grpc, "the Identity Server serves gRPC");
  dns = await startDnsServer({
    [`_ttn-v3-is-grpc._tcp.${domain}`]: {
      srv: [
        { priority: 0, weight: 1, port: Number(grpc.split(":").at(-1)), target: `is.${domain}.` },
      ],
    },
    [`is.${domain}`]: { a: ["127.0.0.1"] },
  });
});

after(async () => {
  for (const process of started) await process.stop();
  await dns?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("peers across processes", () => {
  it("gets rights from the Identity Server found by DNS SRV, with the cluster key", async () => {
    const peer = await peerWith(clusterKey);
    const answer = await rightsVia(peer, `Bearer ${appKey}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.equal(answer.json.caller.kind, "api-key");
    assert.deepEqual(answer.json.caller.owner, { kind: "application", id: "app1" });
    assert.deepEqual(answer.json.rights, [
      "RIGHT_APPLICATION_INFO",
      "RIGHT_APPLICATION_TRAFFIC_READ",
    ]);
    const devices = await rightsVia(peer, `Bearer ${appKey}`, "kind=end_device&id=app1.dev1");
    assert.deepEqual(devices.json.rights, answer.json.rights);
    const admin = await rightsVia(peer, `Bearer ${adminKey}`);
    assert.equal(admin.json.is_admin, true);
    assert.ok(admin.json.rights.includes("RIGHT_APPLICATION_DEVICES_WRITE"));
    assert.ok(dns.questions.includes(`SRV _ttn-v3-is-grpc._tcp.${domain}`));
    assert.ok(dns.questions.includes(`A is.${domain}`));
  });

  it("serves the events stream with rights from the remote Identity Server", async () => {
    const peer = started[1] ?? (await peerWith(clusterKey));
    const stream = async (authorization: string) => {
      const controller = new AbortController();
      const response = await fetch(`${peer.httpUrl}/api/v3/events`, {
        method: "POST",
        headers: { authorization, "content-type": "application/json" },
        body: JSON.stringify({ identifiers: [{ application_ids: { application_id: "app1" } }] }),
        signal: controller.signal,
      });
      const reader = response.body?.getReader();
      const first = reader ? new TextDecoder().decode((await reader.read()).value) : "";
      controller.abort();
      return { status: response.status, first };
    };
    const opened = await stream(`Bearer ${appKey}`);
    assert.equal(opened.status, 200, opened.first);
    assert.equal(
      JSON.parse(opened.first.split("\n")[0] as string).result.name,
      "events.stream.start",
    );
    const refused = await stream(`Bearer NNSXS.${"A".repeat(39)}.${"B".repeat(52)}`);
    assert.equal(refused.status, 401, refused.first);
    assert.match(refused.first, /unknown_token/);
  });

  it("gets a defined error raised in the Identity Server as the same definition", async () => {
    const peer = started[1] ?? (await peerWith(clusterKey));
    // Well-formed, but no such key.
    const unknown = `Bearer NNSXS.${"A".repeat(39)}.${"B".repeat(52)}`;
    const answer = await rightsVia(peer, unknown);
    assert.equal(answer.status, 401, JSON.stringify(answer.json));
    assert.equal(answer.json.error.namespace, "api/auth");
    assert.equal(answer.json.error.name, "unknown_token");
    assert.equal(answer.json.error.matches.unknown_token, true);
    assert.match(answer.json.error.correlation_id, /^[0-9a-f]{32}$/);
  });

  it("is refused with a typed error when its cluster key is wrong", async () => {
    const impostor = await peerWith("ba".repeat(32));
    const answer = await rightsVia(impostor, `Bearer ${appKey}`);
    assert.equal(answer.status, 401, JSON.stringify(answer.json));
    assert.equal(answer.json.error.namespace, "api/cluster");
    assert.equal(answer.json.error.name, "invalid_cluster_key");
    assert.equal(answer.json.error.matches.invalid_cluster_key, true);
  });

  it("stops accepting a deleted key at once in the Identity Server (its cache follows its events)", async () => {
    const listed = await api("GET", "/applications/app1/api-keys", adminKey);
    const id = listed.json.api_keys[0].id as string;
    assert.equal((await api("GET", "/applications/app1", appKey)).status, 200);
    assert.equal((await api("DELETE", `/applications/app1/api-keys/${id}`, adminKey)).status, 200);
    const refused = await api("GET", "/applications/app1", appKey);
    assert.equal(refused.status, 401, JSON.stringify(refused.json));
  });
});

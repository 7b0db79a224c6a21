import assert from "node:assert/strict";
import { createServer as createHttp2Server } from "node:http2";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { pino } from "pino";
import { ClusterKeys } from "../api/cluster-keys.ts";
import { ApiRegistry } from "../api/registry.ts";
import {
  errInvalidConfiguration,
  type LoadConfigOptions,
  loadConfig as loadWith,
  readSection,
  redactConfig,
} from "../config/index.ts";
import { programConfig } from "../program/config.ts";
import { clusterConfig } from "./config.ts";
import { createCluster } from "./create-cluster.ts";
import { InProcessPubSub } from "./in-process/pubsub.ts";
import { errClusterCa, errCoordinationMissing, errPeerNotConfigured } from "./peers/errors.ts";

const key = "ab".repeat(32);

function logs() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: "info" },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  return { lines, logger };
}

const loadConfig = (options: LoadConfigOptions) => {
  const loaded = loadWith(programConfig, options);
  return { ...loaded, config: { ...loaded.config, ...readSection(clusterConfig, loaded.config) } };
};

function cluster(env: Record<string, string>, components: string[] = []) {
  const { config } = loadConfig({ env });
  const { lines, logger } = logs();
  const handle = createCluster({
    config,
    api: new ApiRegistry(),
    components,
    clusterKeys: ClusterKeys.fromHex(config.cluster.keys),
    coordination: { pubsub: new InProcessPubSub() },
    logger,
  });
  return { ...handle, lines };
}

describe("cluster configuration", () => {
  it("reads keys, peer addresses, TLS and DNS servers, and redacts the keys", () => {
    const { config } = loadConfig({
      env: {
        LORASTACK_CLUSTER_KEYS: `${key},${"cd".repeat(16)}`,
        LORASTACK_CLUSTER_NETWORK_SERVER_ADDRESS: "ns.example.com:8884",
        LORASTACK_CLUSTER_IDENTITY_SERVER_ADDRESS: "example.com",
        LORASTACK_CLUSTER_TLS: "true",
        LORASTACK_CLUSTER_DNS_SERVERS: "127.0.0.1:5353,[::1]:53",
      },
    });
    assert.deepEqual(config.cluster.keys, [key, "cd".repeat(16)]);
    assert.equal(config.cluster.network_server_address, "ns.example.com:8884");
    assert.equal(config.cluster.identity_server_address, "example.com");
    assert.equal(config.cluster.tls, true);
    assert.deepEqual(config.cluster.dns_servers, ["127.0.0.1:5353", "[::1]:53"]);
    const redacted = redactConfig(config, programConfig.secrets) as { cluster: { keys: string[] } };
    assert.deepEqual(redacted.cluster.keys, ["***", "***"]);
  });

  it("names a bad key", () => {
    for (const [name, value] of [
      ["LORASTACK_CLUSTER_KEYS", "not-hex"],
      ["LORASTACK_CLUSTER_KEYS", "abcd"],
      ["LORASTACK_CLUSTER_TLS", "yes"],
      ["LORASTACK_CLUSTER_DNS_SERVERS", "127.0.0.1:53/x"],
      ["LORASTACK_CLUSTER_JOIN_SERVER_ADDRESS", "http://js:1884"],
    ] as const) {
      assert.throws(
        () => loadConfig({ env: { [name]: value } }),
        (error: unknown) =>
          errInvalidConfiguration.matches(error) &&
          error.message.includes(name.slice("LORASTACK_".length).toLowerCase().replace("_", ".")),
        `${name}=${value}`,
      );
    }
  });
});

describe("createCluster", () => {
  it("gives local peers for the components of this process and remote ones for configured addresses", async () => {
    const { cluster: made, close } = cluster(
      { LORASTACK_CLUSTER_KEYS: key, LORASTACK_CLUSTER_NETWORK_SERVER_ADDRESS: "127.0.0.1:1" },
      ["is", "console"],
    );
    assert.equal(made.peer("is").local, true);
    assert.equal(made.peer("ns").local, false);
    assert.equal(made.peer("ns"), made.peer("ns"), "a peer is made once");
    assert.equal(made.peerAt("10.0.0.1:8884").local, false);
    assert.throws(
      () => made.peer("js"),
      (error: unknown) =>
        errPeerNotConfigured.matches(error) &&
        error.message ===
          "the Join Server does not run in this process and `cluster.join_server_address` is not set",
    );
    await close();
  });

  it("warns about a generated key only when remote peers are configured", async () => {
    const alone = cluster({});
    assert.equal(alone.lines.filter((line) => line.level === 40).length, 0);
    await alone.close();
    const remote = cluster({ LORASTACK_CLUSTER_IDENTITY_SERVER_ADDRESS: "is.example.com:8884" });
    const warning = remote.lines.find((line) => line.level === 40);
    assert.match(String(warning?.msg), /cluster\.keys is not set/);
    await remote.close();
    const keyed = cluster({
      LORASTACK_CLUSTER_KEYS: key,
      LORASTACK_CLUSTER_IDENTITY_SERVER_ADDRESS: "is.example.com:8884",
    });
    assert.equal(keyed.lines.filter((line) => line.level === 40).length, 0);
    await keyed.close();
  });

  it("advertises this host and the gRPC port, or the configured address", async () => {
    const defaulted = cluster({ LORASTACK_GRPC_LISTEN: "127.0.0.1:0" });
    assert.match(defaulted.cluster.address, /:0$/);
    defaulted.advertisePort(4321);
    assert.match(defaulted.cluster.address, /^[^:]+:4321$/);
    assert.match(cluster({ LORASTACK_CLUSTER_TLS: "true" }).cluster.address, /:8884$/);
    const configured = cluster({ LORASTACK_CLUSTER_ADDRESS: "gs-1.example.com:1884" });
    configured.advertisePort(4321);
    assert.equal(configured.cluster.address, "gs-1.example.com:1884");
    assert.match(configured.cluster.instanceId, /^[0-9a-f-]{36}$/);
  });

  it("says which coordination part a process lacks", () => {
    const { cluster: made } = cluster({});
    assert.ok(made.pubsub);
    for (const use of [
      () => made.claims,
      () => made.locks,
      () => made.tasks,
      () => made.deduplicator("uplinks", { encode: () => new Uint8Array(), decode: () => 0 }),
    ])
      assert.throws(use, (error: unknown) => errCoordinationMissing.matches(error));
  });

  it("fails at once on an unreadable CA file", () => {
    assert.throws(
      () => cluster({ LORASTACK_CLUSTER_TLS_CA: "/nonexistent/ca.pem" }),
      (error: unknown) => errClusterCa.matches(error) && /ENOENT/.test(error.message),
    );
  });

  it("lists the peers the components need as dependencies, and checks them", async () => {
    const server = createHttp2Server();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const closed = await freeAddress();
    const handles: { close(): Promise<void> }[] = [];
    try {
      const outcome = async (handle: ReturnType<typeof cluster>) => {
        handles.push(handle);
        const results: Record<string, string> = {};
        for (const dependency of handle.dependencies)
          results[dependency.name] = await dependency.check().then(
            () => "ok",
            (error: unknown) => String((error as { name?: string }).name).replace(/^.*:/, ""),
          );
        return results;
      };
      // The Identity Server here, the Network Server nowhere: the Gateway Server is not ready.
      assert.deepEqual(await outcome(cluster({}, ["is", "gs"])), {
        "peer:is": "ok",
        "peer:ns": "peer_not_configured",
      });
      // A Network Server that listens, one that does not.
      assert.deepEqual(
        await outcome(
          cluster(
            {
              LORASTACK_CLUSTER_KEYS: key,
              LORASTACK_CLUSTER_NETWORK_SERVER_ADDRESS: `127.0.0.1:${port}`,
              LORASTACK_CLUSTER_IDENTITY_SERVER_ADDRESS: closed,
            },
            ["gs"],
          ),
        ),
        { "peer:is": "peer_unavailable", "peer:ns": "ok" },
      );
      // Optional peers count only when configured; one process with everything needs nothing.
      assert.deepEqual(await outcome(cluster({}, ["as", "ns", "gs", "is"])), {
        "peer:is": "ok",
        "peer:ns": "ok",
        "peer:gs": "ok",
        "peer:as": "ok",
      });
      assert.deepEqual(
        await outcome(
          cluster({ LORASTACK_CLUSTER_KEYS: key, LORASTACK_CLUSTER_JOIN_SERVER_ADDRESS: closed }, [
            "as",
            "ns",
            "gs",
            "is",
          ]),
        ),
        {
          "peer:is": "ok",
          "peer:ns": "ok",
          "peer:gs": "ok",
          "peer:as": "ok",
          "peer:js": "peer_unavailable",
        },
      );
      assert.deepEqual(await outcome(cluster({}, ["is", "js"])), {});
    } finally {
      await Promise.all(handles.map((handle) => handle.close()));
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("checks Redis as a dependency when the coordination can be pinged", async () => {
    const { config } = loadConfig({ env: {} });
    let up = true;
    const handle = createCluster({
      config,
      api: new ApiRegistry(),
      components: [],
      clusterKeys: ClusterKeys.fromHex(config.cluster.keys),
      coordination: {
        pubsub: new InProcessPubSub(),
        ping: async () => {
          if (!up) throw new Error("subscriber connection reconnecting");
        },
      },
      logger: logs().logger,
    });
    assert.deepEqual(
      handle.dependencies.map((dependency) => dependency.name),
      ["redis"],
    );
    await handle.dependencies[0]?.check();
    up = false;
    await assert.rejects(handle.dependencies[0]?.check() as Promise<void>, /reconnecting/);
    await handle.close();
  });
});

/** A loopback address where nothing listens (a port bound, then released). */
async function freeAddress(): Promise<string> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `127.0.0.1:${port}`;
}

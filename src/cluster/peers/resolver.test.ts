import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startDnsServer } from "../../../test/harness/dns-server.ts";
import { errPeerUnavailable } from "./errors.ts";
import { type DnsClient, PeerResolver } from "./resolver.ts";
import type { SrvRecord } from "./srv-order.ts";

const service = "ttn-v3-is-grpc";
const srvName = "_ttn-v3-is-grpc._tcp.cluster.test";

/** A DNS client answering SRV from a script of outcomes, one per query, counting queries. */
function scripted(outcomes: (SrvRecord[] | string)[]): DnsClient & { queries: number } {
  const client = {
    queries: 0,
    async resolveSrv() {
      const outcome = outcomes[Math.min(client.queries++, outcomes.length - 1)];
      if (typeof outcome === "string") throw Object.assign(new Error(outcome), { code: outcome });
      return outcome ?? [];
    },
    async resolve4() {
      return [];
    },
    async resolve6() {
      return [];
    },
  };
  return client;
}

const target = { name: "is.cluster.test", port: 8884, priority: 0, weight: 1 };

describe("peer resolver", () => {
  it("answers SRV targets from DNS, in priority order, and caches them", async (t) => {
    const dns = await startDnsServer({
      [srvName]: {
        srv: [
          { priority: 10, weight: 1, port: 8885, target: "backup.cluster.test." },
          { priority: 0, weight: 1, port: 8884, target: "is.cluster.test." },
        ],
      },
    });
    t.after(() => dns.close());
    let now = 0;
    const resolver = new PeerResolver({ servers: [dns.address], cacheMs: 1000, now: () => now });
    const expected = [
      { host: "is.cluster.test", port: 8884 },
      { host: "backup.cluster.test", port: 8885 },
    ];
    assert.deepEqual(await resolver.targets(service, "cluster.test", "IS"), expected);
    now = 999;
    assert.deepEqual(await resolver.targets(service, "cluster.test", "IS"), expected);
    assert.equal(dns.questions.length, 1, "the second lookup came from the cache");
    now = 1000;
    await resolver.targets(service, "cluster.test", "IS");
    assert.equal(dns.questions.length, 2, "an expired answer is asked again");
  });

  it("shares one query among concurrent lookups", async (t) => {
    const dns = await startDnsServer({
      [srvName]: { srv: [{ priority: 0, weight: 1, port: 1, target: "a.cluster.test" }] },
    });
    t.after(() => dns.close());
    const resolver = new PeerResolver({ servers: [dns.address] });
    await Promise.all(
      Array.from({ length: 10 }, () => resolver.targets(service, "cluster.test", "IS")),
    );
    assert.equal(dns.questions.length, 1);
  });

  it("retries transient failures, then succeeds", async () => {
    const client = scripted(["ESERVFAIL", "ETIMEOUT", [target]]);
    const resolver = new PeerResolver({ client, retryDelayMs: 1 });
    assert.deepEqual(await resolver.targets(service, "cluster.test", "IS"), [
      { host: "is.cluster.test", port: 8884 },
    ]);
    assert.equal(client.queries, 3);
  });

  it("reports a lookup that keeps failing as peer_unavailable, and does not retry a missing name", async () => {
    const failing = scripted(["ESERVFAIL"]);
    const resolver = new PeerResolver({ client: failing, retryDelayMs: 1, attempts: 3 });
    await assert.rejects(
      resolver.targets(service, "cluster.test", "Identity Server"),
      (error: unknown) =>
        errPeerUnavailable.matches(error) &&
        /Identity Server at `cluster.test` is unavailable: DNS SRV _ttn-v3-is-grpc._tcp.cluster.test: the DNS server failed/.test(
          error.message,
        ),
    );
    assert.equal(failing.queries, 3);
    const missing = scripted(["ENOTFOUND"]);
    await assert.rejects(
      new PeerResolver({ client: missing, retryDelayMs: 1 }).targets(service, "cluster.test", "IS"),
      (error: unknown) => errPeerUnavailable.matches(error) && /no such name/.test(error.message),
    );
    assert.equal(missing.queries, 1);
  });

  it("times out on a DNS server that does not answer, after every attempt", async (t) => {
    const dns = await startDnsServer({ [srvName]: { behaviour: "silent" } });
    t.after(() => dns.close());
    const resolver = new PeerResolver({
      servers: [dns.address],
      attempts: 2,
      retryDelayMs: 1,
      queryTimeoutMs: 100,
    });
    await assert.rejects(
      resolver.targets(service, "cluster.test", "IS"),
      (error: unknown) =>
        errPeerUnavailable.matches(error) && /no answer in time/.test(error.message),
    );
    assert.equal(dns.questions.length, 2);
  });

  it("keeps a failure briefly, and serves an expired answer while DNS fails", async () => {
    let now = 0;
    const client = scripted([[target], "ESERVFAIL"]);
    const resolver = new PeerResolver({
      client,
      attempts: 1,
      cacheMs: 100,
      failureCacheMs: 50,
      staleMs: 1000,
      now: () => now,
    });
    await resolver.targets(service, "cluster.test", "IS");
    now = 200;
    assert.deepEqual(await resolver.targets(service, "cluster.test", "IS"), [
      { host: "is.cluster.test", port: 8884 },
    ]);
    assert.equal(client.queries, 2);
    now = 220;
    await resolver.targets(service, "cluster.test", "IS");
    assert.equal(client.queries, 2, "no new query within the failure pause");
    now = 2000;
    await assert.rejects(resolver.targets(service, "cluster.test", "IS"));
  });

  it("refuses an SRV answer that says the service is not there", async (t) => {
    const dns = await startDnsServer({
      [srvName]: { srv: [{ priority: 0, weight: 0, port: 0, target: "." }] },
    });
    t.after(() => dns.close());
    await assert.rejects(
      new PeerResolver({ servers: [dns.address] }).targets(service, "cluster.test", "IS"),
      (error: unknown) => errPeerUnavailable.matches(error) && /no records/.test(error.message),
    );
  });

  it("looks host addresses up through the configured servers, IPv4 first", async (t) => {
    const dns = await startDnsServer({
      "a.cluster.test": { a: ["127.0.0.2"], aaaa: ["::1"] },
      "six.cluster.test": { aaaa: ["::1"] },
    });
    t.after(() => dns.close());
    const resolver = new PeerResolver({ servers: [dns.address] });
    assert.deepEqual(await resolver.addresses("a.cluster.test"), [
      { address: "127.0.0.2", family: 4 },
    ]);
    assert.deepEqual(await resolver.addresses("six.cluster.test"), [{ address: "::1", family: 6 }]);
    assert.deepEqual(await resolver.addresses("127.0.0.9"), [{ address: "127.0.0.9", family: 4 }]);
    const lookup = resolver.lookup;
    assert.ok(lookup, "a lookup for sockets when servers are configured");
    const found = await new Promise((resolve, reject) =>
      lookup("a.cluster.test", { all: true }, (error, addresses) =>
        error ? reject(error) : resolve(addresses),
      ),
    );
    assert.deepEqual(found, [{ address: "127.0.0.2", family: 4 }]);
    assert.equal(new PeerResolver().lookup, undefined, "the system's DNS keeps the default lookup");
  });
});

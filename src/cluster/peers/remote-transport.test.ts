import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { type StringValue, StringValueSchema } from "@bufbuild/protobuf/wkt";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { pino } from "pino";
import { startDnsServer } from "../../../test/harness/dns-server.ts";
import {
  makeTestCertificate,
  type TestCertificate,
} from "../../../test/harness/tls-certificate.ts";
import { errClusterKeyRequired, errInvalidClusterKey } from "../../api/cluster-auth.ts";
import { ClusterKeys } from "../../api/cluster-keys.ts";
import { correlationIdOf } from "../../api/error-details.ts";
import { errorFromConnect } from "../../api/errors.ts";
import { GrpcServer } from "../../api/grpc-server.ts";
import { ApiRegistry } from "../../api/registry.ts";
import { DefinedError, ErrorDefinition } from "../../errors/index.ts";
import { EntityAccess } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import type { Peer } from "../peer.ts";
import { errPeerUnavailable } from "./errors.ts";
import { PeerDirectory, type PeerDirectoryOptions } from "./peers.ts";
import { PeerResolver } from "./resolver.ts";
import { Echo, EchoObservations, echoImplementation, errEchoRefused } from "./test-echo-service.ts";

const silent = pino({ level: "silent" });
const key = "5a".repeat(32);
const otherKey = "a5".repeat(32);

// Defined where the error is raised only: a process that does not know it gets an ad-hoc one.
const elsewhere = new ErrorDefinition("test/elsewhere", "only_there", "not_found", "no {what}");

async function* values(...texts: string[]): AsyncIterable<StringValue> {
  for (const text of texts) yield create(StringValueSchema, { value: text });
}

async function texts(messages: AsyncIterable<StringValue>): Promise<string[]> {
  const all: string[] = [];
  for await (const message of messages) all.push(message.value);
  return all;
}

/** An Echo client (its methods are not typed: Echo is built at run time). */
function echo(peer: Peer, authorization?: string) {
  return peer.client(Echo, authorization ? { authorization } : {}) as unknown as {
    say(request: { value: string }): Promise<StringValue>;
    count(request: { value: string }): AsyncIterable<StringValue>;
    collect(requests: AsyncIterable<StringValue>): Promise<StringValue>;
    chat(requests: AsyncIterable<StringValue>): AsyncIterable<StringValue>;
  };
}

describe("remote peers", () => {
  const seen = new EchoObservations();
  const registry = new ApiRegistry();
  registry.register(Echo, echoImplementation(seen) as never, { internal: true });
  registry.register(EntityAccess, {
    authInfo: () => {
      throw elsewhere.create({ what: "thing" });
    },
  });
  const server = new GrpcServer(registry, {
    clusterKeys: ClusterKeys.fromHex([key, otherKey]),
    logger: silent,
  });
  let plain = "";
  let secure = "";
  let certificate: TestCertificate | undefined;
  const directories: PeerDirectory[] = [];

  function directory(options: Partial<PeerDirectoryOptions> = {}): PeerDirectory {
    const peers = new PeerDirectory({
      registry: new ApiRegistry(),
      localRoles: new Set(),
      addresses: {},
      clusterKey: key,
      tls: false,
      resolver: new PeerResolver(),
      ...options,
    });
    directories.push(peers);
    return peers;
  }

  before(async () => {
    certificate = await makeTestCertificate();
    const bound = await server.listen([
      { name: "grpc", address: { host: "127.0.0.1", port: 0 } },
      ...(certificate
        ? [
            {
              name: "grpc (tls)",
              address: { host: "127.0.0.1", port: 0 },
              tls: { cert: certificate.certificate, key: certificate.key },
            },
          ]
        : []),
    ]);
    plain = bound[0]?.address ?? "";
    secure = bound[1]?.address ?? "";
  });

  after(async () => {
    for (const peers of directories) peers.close();
    await server.close(0);
    await certificate?.remove();
  });

  it("calls unary and streaming methods over h2c with the cluster key", async () => {
    const client = echo(directory().peerAt(plain), "Bearer user-key");
    assert.equal((await client.say({ value: "hi" })).value, "hi|Bearer user-key|true");
    assert.deepEqual(await texts(client.count({ value: "3" })), ["1", "2", "3"]);
    assert.equal((await client.collect(values("a", "b"))).value, "a+b");
    assert.deepEqual(await texts(client.chat(values("x", "y"))), ["X", "Y"]);
  });

  it("brings a defined error back as the same definition, attributes and correlation id", async () => {
    const client = echo(directory().peerAt(plain));
    const error = await client.say({ value: "fail" }).then(
      () => assert.fail("expected an error"),
      (caught: unknown) => caught,
    );
    assert.ok(errEchoRefused.matches(error), `got ${String(error)}`);
    assert.deepEqual(error.attributes, {
      input: "fail",
      count: 2,
      when: "1970-01-01T00:00:00.000Z",
    });
    assert.equal(error.message, "echo refuses `fail` (2 times)");
    assert.match(correlationIdOf(error) ?? "", /^[0-9a-f]{32}$/);
  });

  it("makes an error of a definition this process lacks an ad-hoc one of the same identity", async () => {
    const peers = directory({ addresses: { is: plain } });
    const error: unknown = await peers
      .peer("is")
      .client(EntityAccess)
      .authInfo({})
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof DefinedError);
    assert.notEqual(error.definition, elsewhere, "not the unregistered definition object itself");
    assert.deepEqual(
      [error.definition.namespace, error.definition.name, error.code, error.message],
      ["test/elsewhere", "only_there", "not_found", "no thing"],
    );
  });

  it("refuses a wrong cluster key on any call, and internal services without one", async () => {
    const wrong = directory({ clusterKey: "77".repeat(32), addresses: { is: plain } });
    await assert.rejects(echo(wrong.peerAt(plain)).say({ value: "x" }), (error: unknown) =>
      errInvalidClusterKey.matches(error),
    );
    await assert.rejects(wrong.peer("is").client(EntityAccess).authInfo({}), (error: unknown) =>
      errInvalidClusterKey.matches(error),
    );
    // Any configured key is accepted, not only the first.
    assert.equal(
      (await echo(directory({ clusterKey: otherKey }).peerAt(plain)).say({ value: "k" })).value,
      "k|-|true",
    );
    // A client without a cluster key: public services answer, internal ones refuse.
    const transport = createGrpcTransport({ baseUrl: `http://${plain}` });
    const anonymous = createClient(Echo, transport) as unknown as Client<typeof EntityAccess> & {
      say(request: { value: string }): Promise<StringValue>;
    };
    await assert.rejects(anonymous.say({ value: "x" }), (error: unknown) => {
      const defined = errorFromConnect(error as never);
      return (
        errClusterKeyRequired.matches(defined) && /lorastack\.test\.Echo/.test(defined.message)
      );
    });
    await assert.rejects(createClient(EntityAccess, transport).authInfo({}), (error: unknown) => {
      return errorFromConnect(error as never).definition.name === "only_there";
    });
  });

  it("says a peer that does not answer is unavailable", async () => {
    const closed = new GrpcServer(new ApiRegistry(), { clusterKeys: ClusterKeys.fromHex([]) });
    const [bound] = await closed.listen([
      { name: "grpc", address: { host: "127.0.0.1", port: 0 } },
    ]);
    await closed.close(0);
    const address = bound?.address ?? "";
    await assert.rejects(
      echo(directory().peerAt(address)).say({ value: "x" }),
      (error: unknown) => errPeerUnavailable.matches(error) && error.attributes.address === address,
    );
  });

  it("dials with TLS, trusting the configured CA", async (t) => {
    if (!certificate) return t.skip("openssl is not available to make a test certificate");
    const port = secure.split(":").at(-1);
    const trusted = directory({ tls: true, ca: certificate.certificate });
    const client = echo(trusted.peerAt(`localhost:${port}`));
    assert.equal((await client.say({ value: "tls" })).value, "tls|-|true");
    assert.deepEqual(await texts(client.count({ value: "2" })), ["1", "2"]);
    // Without the CA the self-signed certificate is not trusted.
    const untrusted = directory({ tls: true });
    await assert.rejects(
      echo(untrusted.peerAt(`localhost:${port}`)).say({ value: "x" }),
      (error: unknown) => errPeerUnavailable.matches(error) && /certificate/.test(error.message),
    );
  });

  it("finds the peer of a domain by DNS SRV and dials the target the record names", async (t) => {
    const port = Number(plain.split(":").at(-1));
    const dns = await startDnsServer({
      "_ttn-v3-is-grpc._tcp.cluster.test": {
        srv: [{ priority: 0, weight: 1, port, target: "is.cluster.test." }],
      },
      "is.cluster.test": { a: ["127.0.0.1"] },
    });
    t.after(() => dns.close());
    const peers = directory({
      addresses: { is: "cluster.test" },
      resolver: new PeerResolver({ servers: [dns.address] }),
    });
    const client = echo(peers.peer("is"));
    assert.equal((await client.say({ value: "srv" })).value, "srv|-|true");
    assert.deepEqual(dns.questions, ["SRV _ttn-v3-is-grpc._tcp.cluster.test", "A is.cluster.test"]);
  });

  it("dials TLS targets found by DNS SRV under their own name", async (t) => {
    if (!certificate) return t.skip("openssl is not available to make a test certificate");
    const port = Number(secure.split(":").at(-1));
    const dns = await startDnsServer({
      "_ttn-v3-ns-grpc._tcp.cluster.test": {
        srv: [{ priority: 0, weight: 1, port, target: "localhost." }],
      },
      // Only this DNS server knows where "localhost" is: the connection must ask it.
      localhost: { a: ["127.0.0.1"] },
    });
    t.after(() => dns.close());
    const peers = directory({
      addresses: { ns: "cluster.test" },
      tls: true,
      ca: certificate.certificate,
      resolver: new PeerResolver({ servers: [dns.address] }),
    });
    assert.equal((await echo(peers.peer("ns")).say({ value: "s" })).value, "s|-|true");
    assert.ok(dns.questions.includes("A localhost"));
  });

  it("passes over an SRV target that refused a connection", async (t) => {
    const closed = new GrpcServer(new ApiRegistry(), { clusterKeys: ClusterKeys.fromHex([]) });
    const [dead] = await closed.listen([{ name: "grpc", address: { host: "127.0.0.1", port: 0 } }]);
    await closed.close(0);
    const dns = await startDnsServer({
      "_ttn-v3-as-grpc._tcp.cluster.test": {
        srv: [
          {
            priority: 0,
            weight: 1,
            port: Number(dead?.address.split(":").at(-1)),
            target: "a.cluster.test",
          },
          {
            priority: 1,
            weight: 1,
            port: Number(plain.split(":").at(-1)),
            target: "b.cluster.test",
          },
        ],
      },
      "a.cluster.test": { a: ["127.0.0.1"] },
      "b.cluster.test": { a: ["127.0.0.1"] },
    });
    t.after(() => dns.close());
    const peers = directory({
      addresses: { as: "cluster.test" },
      resolver: new PeerResolver({ servers: [dns.address] }),
    });
    const client = echo(peers.peer("as"));
    await assert.rejects(client.say({ value: "1" }), (error: unknown) =>
      errPeerUnavailable.matches(error),
    );
    assert.equal((await client.say({ value: "2" })).value, "2|-|true");
  });

  it("streams abort across the wire", async () => {
    const client = echo(directory().peerAt(plain));
    const controller = new AbortController();
    const stream = (
      client as unknown as {
        count(
          request: { value: string },
          options: { signal: AbortSignal },
        ): AsyncIterable<StringValue>;
      }
    ).count({ value: "forever" }, { signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).value?.value, "1");
    const ended = new Promise<void>((resolve) => seen.once("stream-end", resolve));
    controller.abort();
    await assert.rejects(iterator.next());
    await ended;
  });
});

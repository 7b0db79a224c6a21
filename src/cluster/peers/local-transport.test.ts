import assert from "node:assert/strict";
import { once } from "node:events";
import { describe, it } from "node:test";
import type { DescMethodStreaming, DescMethodUnary } from "@bufbuild/protobuf";
import { create } from "@bufbuild/protobuf";
import { type StringValue, StringValueSchema } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import { isPeerCall } from "../../api/cluster-keys.ts";
import { ApiRegistry } from "../../api/registry.ts";
import { EntityAccess } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import {
  errCallCancelled,
  errCallDeadline,
  errMethodNotImplemented,
  errServiceNotServed,
} from "./errors.ts";
import { createLocalTransport } from "./local-transport.ts";
import { PeerDirectory } from "./peers.ts";
import { PeerResolver } from "./resolver.ts";
import { Echo, EchoObservations, echoImplementation, errEchoRefused } from "./test-echo-service.ts";

type Unary = DescMethodUnary<typeof StringValueSchema, typeof StringValueSchema>;
type Streaming = DescMethodStreaming<typeof StringValueSchema, typeof StringValueSchema>;
const say = Echo.method.say as unknown as Unary;
const count = Echo.method.count as unknown as Streaming;
const collect = Echo.method.collect as unknown as Streaming;
const chat = Echo.method.chat as unknown as Streaming;

function setUp() {
  const seen = new EchoObservations();
  const registry = new ApiRegistry();
  registry.register(Echo, echoImplementation(seen) as never, { internal: true });
  return { seen, registry, transport: createLocalTransport(registry) };
}

async function* values(...texts: string[]): AsyncIterable<StringValue> {
  for (const text of texts) yield create(StringValueSchema, { value: text });
}

async function collectAll(messages: AsyncIterable<StringValue>): Promise<string[]> {
  const texts: string[] = [];
  for await (const message of messages) texts.push(message.value);
  return texts;
}

describe("local transport", () => {
  it("calls the registered implementation with the request itself, the headers and the peer mark", async () => {
    const { seen, transport } = setUp();
    const request = create(StringValueSchema, { value: "hello" });
    const response = await transport.unary(
      say,
      undefined,
      undefined,
      { authorization: "Bearer k" },
      request,
    );
    assert.equal(response.message.value, "hello|Bearer k|true");
    assert.equal(response.message.$typeName, "google.protobuf.StringValue");
    assert.equal(seen.lastRequest, request, "the request is handed over, not copied");
    assert.ok(seen.lastContext && isPeerCall(seen.lastContext));
    assert.ok(seen.lastContext.signal.aborted, "the call's signal ends with the call");
  });

  it("passes defined errors through as the same error", async () => {
    const { transport } = setUp();
    await assert.rejects(
      transport.unary(say, undefined, undefined, undefined, { value: "fail" }),
      (error: unknown) => errEchoRefused.matches(error) && error.attributes.count === 2,
    );
  });

  it("ends a call at its deadline even if the implementation ignores it", async () => {
    const { seen, transport } = setUp();
    await assert.rejects(
      transport.unary(say, undefined, 30, undefined, { value: "hang" }),
      (error: unknown) => errCallDeadline.matches(error),
    );
    assert.ok(seen.lastContext?.signal.aborted);
  });

  it("ends a call its caller aborts", async () => {
    const { transport } = setUp();
    const controller = new AbortController();
    const call = transport.unary(say, controller.signal, undefined, undefined, { value: "hang" });
    controller.abort();
    await assert.rejects(call, (error: unknown) => errCallCancelled.matches(error));
  });

  it("says which service or method is not served in this process", async () => {
    const empty = createLocalTransport(new ApiRegistry());
    await assert.rejects(
      empty.unary(say, undefined, undefined, undefined, { value: "x" }),
      (error: unknown) => errServiceNotServed.matches(error),
    );
    const registry = new ApiRegistry();
    registry.register(Echo, {});
    await assert.rejects(
      createLocalTransport(registry).unary(say, undefined, undefined, undefined, {}),
      (error: unknown) => errMethodNotImplemented.matches(error),
    );
  });

  it("streams from the server", async () => {
    const { seen, transport } = setUp();
    const response = await transport.stream(count, undefined, undefined, undefined, values("3"));
    assert.deepEqual(await collectAll(response.message), ["1", "2", "3"]);
    assert.equal(seen.streamsEnded, 1);
  });

  it("ends a server stream its caller aborts, and the implementation finishes", async () => {
    const { seen, transport } = setUp();
    const controller = new AbortController();
    const response = await transport.stream(
      count,
      controller.signal,
      undefined,
      undefined,
      values("forever"),
    );
    const iterator = response.message[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).value?.value, "1");
    const pending = iterator.next();
    const ended = once(seen, "stream-end");
    controller.abort();
    await assert.rejects(pending, (error: unknown) => errCallCancelled.matches(error));
    await ended;
    assert.equal(seen.streamsEnded, 1);
  });

  it("streams from the client and both ways", async () => {
    const { transport } = setUp();
    const collected = await transport.stream(
      collect,
      undefined,
      undefined,
      undefined,
      values("a", "b", "c"),
    );
    assert.deepEqual(await collectAll(collected.message), ["a+b+c"]);
    const chatted = await transport.stream(chat, undefined, undefined, undefined, values("x", "y"));
    assert.deepEqual(await collectAll(chatted.message), ["X", "Y"]);
  });

  it("serves typed clients of a local peer, with the caller's Authorization forwarded", async () => {
    const registry = new ApiRegistry();
    registry.register(EntityAccess, {
      authInfo: (_request, context) => ({
        isAdmin: context.requestHeader.get("authorization") === "Bearer admin",
      }),
    });
    const peers = new PeerDirectory({
      registry,
      localRoles: new Set(["is"]),
      addresses: {},
      clusterKey: "00".repeat(16),
      tls: false,
      resolver: new PeerResolver(),
    });
    const peer = peers.peer("is");
    assert.equal(peer.local, true);
    assert.equal(peer.role, "is");
    const asAdmin = peer.client(EntityAccess, { authorization: "Bearer admin" });
    assert.equal((await asAdmin.authInfo({})).isAdmin, true);
    assert.equal((await peer.client(EntityAccess).authInfo({})).isAdmin, false);
    // A plain Connect client over the same transport works too.
    assert.equal(
      (await createClient(EntityAccess, createLocalTransport(registry)).authInfo({})).isAdmin,
      false,
    );
  });
});

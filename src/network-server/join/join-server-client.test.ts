import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import pino from "pino";
import { errorNamespace } from "../../errors/index.ts";
import { EventBus, type StackEvent } from "../../events/index.ts";
import type { ErrorDetails } from "../../gen/ttn/lorawan/v3/error_pb.js";
import {
  type JoinRequest,
  JoinRequestSchema,
  type JoinResponse,
  JoinResponseSchema,
} from "../../gen/ttn/lorawan/v3/join_pb.js";
import { errJoinServerNotFound } from "./errors.ts";
import { createJoinServerClient } from "./join-server-client.ts";
import { clusterWith, hex } from "./testing.ts";

const fakes = errorNamespace("network-server/join/test");
const errFakeNotFound = fakes.notFound("device_not_found", "device not found");
const errFakeMic = fakes.invalidArgument("mic_mismatch", "MIC mismatch");

const joinEui = hex("70b3d57ed0000001");
const device = [{ kind: "end_device" as const, id: "app1.dev1" }];
const request = create(JoinRequestSchema, {
  rawPayload: new Uint8Array(23),
  devAddr: hex("26011234"),
  correlationIds: ["ns:uplink:test"],
});
const answer = (byte: number) =>
  create(JoinResponseSchema, {
    rawPayload: new Uint8Array(17).fill(byte),
    sessionKeys: { sessionKeyId: Uint8Array.of(byte), fNwkSIntKey: { key: new Uint8Array(16) } },
    correlationIds: ["js:test"],
  });

type Send = (request: JoinRequest) => Promise<JoinResponse>;

function setup(options: { cluster?: Send; interop?: Send; interopServes?: boolean }) {
  const published: StackEvent[] = [];
  const events = new EventBus({ onPublish: (event) => published.push(event) });
  const calls: string[] = [];
  const track = (name: string, send: Send | undefined) =>
    send &&
    ((message: JoinRequest) => {
      calls.push(name);
      return send(message);
    });
  const interop = track("interop", options.interop);
  const client = createJoinServerClient({
    cluster: clusterWith(track("cluster", options.cluster)),
    ...(interop
      ? {
          interop: {
            handleJoin: interop,
            joinServerFor: () =>
              options.interopServes === false
                ? undefined
                : {
                    join_euis: ["70B3D57ED0000000/32"],
                    url: "https://js.example",
                    protocol_version: "1.1" as const,
                    sender_id: "000013",
                    tls: { ca: "", certificate: "", key: "" },
                  },
          },
        }
      : {}),
    events,
    logger: pino({ level: "silent" }),
  });
  return { client, published, calls };
}

const names = (events: StackEvent[]) => events.map((event) => event.name);
const fail =
  (error: Error): Send =>
  async () => {
    throw error;
  };

describe("createJoinServerClient", () => {
  it("asks the cluster's Join Server and publishes the attempt and the answer without keys", async () => {
    const t = setup({ cluster: async () => answer(1), interop: async () => answer(2) });
    const response = await t.client.handleJoin(request, joinEui, device);
    assert.deepEqual(response.rawPayload, answer(1).rawPayload);
    assert.deepEqual(t.calls, ["cluster"]);
    assert.deepEqual(names(t.published), [
      "ns.up.join.cluster.attempt",
      "ns.up.join.cluster.success",
    ]);
    const success = t.published[1]?.data as JoinResponse;
    assert.deepEqual(success.sessionKeys?.sessionKeyId, Uint8Array.of(1));
    assert.equal(success.sessionKeys?.fNwkSIntKey, undefined, "no keys in events");
    assert.deepEqual(t.published[0]?.data, request);
    assert.deepEqual(t.published[0]?.identifiers, device);
    assert.deepEqual(t.published[0]?.correlationIds, ["ns:uplink:test"]);
  });

  it("goes on to Backend Interfaces when the cluster's Join Server does not know the device", async () => {
    const t = setup({ cluster: fail(errFakeNotFound.create()), interop: async () => answer(2) });
    const response = await t.client.handleJoin(request, joinEui, device);
    assert.deepEqual(response.rawPayload, answer(2).rawPayload);
    assert.deepEqual(t.calls, ["cluster", "interop"]);
    assert.deepEqual(names(t.published), [
      "ns.up.join.cluster.attempt",
      "ns.up.join.cluster.fail",
      "ns.up.join.interop.attempt",
      "ns.up.join.interop.success",
    ]);
    assert.equal((t.published[1]?.data as ErrorDetails | undefined)?.name, "device_not_found");
  });

  it("uses Backend Interfaces when the cluster has no Join Server", async () => {
    const t = setup({ interop: async () => answer(2) });
    await t.client.handleJoin(request, joinEui, device);
    assert.deepEqual(t.calls, ["interop"]);
    assert.deepEqual(names(t.published), [
      "ns.up.join.interop.attempt",
      "ns.up.join.interop.success",
    ]);
  });

  it("stops at the cluster's Join Server when it refuses the join (MIC, DevNonce)", async () => {
    const t = setup({ cluster: fail(errFakeMic.create()), interop: async () => answer(2) });
    await assert.rejects(t.client.handleJoin(request, joinEui, device), (error) =>
      errFakeMic.matches(error),
    );
    assert.deepEqual(t.calls, ["cluster"]);
    assert.deepEqual(names(t.published), ["ns.up.join.cluster.attempt", "ns.up.join.cluster.fail"]);
  });

  it("publishes the failure of the external Join Server", async () => {
    const t = setup({ interop: fail(errFakeMic.create()) });
    await assert.rejects(t.client.handleJoin(request, joinEui, device), (error) =>
      errFakeMic.matches(error),
    );
    assert.deepEqual(names(t.published), ["ns.up.join.interop.attempt", "ns.up.join.interop.fail"]);
  });

  it("is join_server_not_found when no Join Server serves the JoinEUI", async () => {
    const none = setup({});
    await assert.rejects(none.client.handleJoin(request, joinEui), (error) =>
      errJoinServerNotFound.matches(error),
    );
    const unserved = setup({
      cluster: fail(errFakeNotFound.create()),
      interop: async () => answer(2),
      interopServes: false,
    });
    await assert.rejects(unserved.client.handleJoin(request, joinEui), (error) =>
      errJoinServerNotFound.matches(error),
    );
    assert.deepEqual(unserved.calls, ["cluster"]);
  });
});

/**
 * NsJs and AsJs (src/join-server/services/) through a Connect transport, messages encoded and
 * decoded as on the wire, in front of a join handler that records what reaches it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { JoinResponseSchema } from "../../gen/ttn/lorawan/v3/join_pb.js";
import {
  AppSKeyResponseSchema,
  AsJs,
  NsJs,
  NwkSKeysResponseSchema,
} from "../../gen/ttn/lorawan/v3/joinserver_pb.js";
import type { JoinHandler, JoinOrigin } from "../join-handler.ts";
import { asJsService } from "../services/as-js.ts";
import { nsJsService } from "../services/ns-js.ts";
import { hex, joinRequest, MACVersion, toHex } from "./test-device.ts";

function recordingHandler() {
  const calls: [string, unknown, JoinOrigin][] = [];
  const handler: JoinHandler = {
    async handleJoin(request, origin) {
      calls.push(["handleJoin", toHex(request.rawPayload), origin]);
      return create(JoinResponseSchema, {
        rawPayload: hex("20aa"),
        sessionKeys: {
          sessionKeyId: hex("01"),
          appSKey: { kekLabel: "as", encryptedKey: hex("02") },
        },
      });
    },
    async getNwkSKeys(request, origin) {
      calls.push(["getNwkSKeys", toHex(request.sessionKeyId), origin]);
      return create(NwkSKeysResponseSchema, { fNwkSIntKey: { key: hex("03") } });
    },
    async getAppSKey(request, origin) {
      calls.push(["getAppSKey", toHex(request.sessionKeyId), origin]);
      return create(AppSKeyResponseSchema, {
        appSKey: { kekLabel: "as", encryptedKey: hex("04") },
      });
    },
    async homeNetwork() {
      throw new Error("not used");
    },
  };
  return { handler, calls };
}

describe("NsJs and AsJs", () => {
  it("pass each call to the join handler as a cluster caller", async () => {
    const { handler, calls } = recordingHandler();
    const transport = createRouterTransport((router) => {
      router.service(NsJs, nsJsService(handler));
      router.service(AsJs, asJsService(handler));
    });
    const ns = createClient(NsJs, transport);
    const as = createClient(AsJs, transport);
    const joined = await ns.handleJoin(joinRequest(hex("00ff"), MACVersion.MAC_V1_0_3));
    assert.equal(toHex(joined.rawPayload), "20aa");
    assert.equal(joined.sessionKeys?.appSKey?.kekLabel, "as");
    const network = await ns.getNwkSKeys({ sessionKeyId: hex("05") });
    assert.equal(toHex(network.fNwkSIntKey?.key), "03");
    const application = await as.getAppSKey({ sessionKeyId: hex("06") });
    assert.equal(toHex(application.appSKey?.encryptedKey), "04");
    assert.deepEqual(calls, [
      ["handleJoin", "00ff", { kind: "cluster" }],
      ["getNwkSKeys", "05", { kind: "cluster" }],
      ["getAppSKey", "06", { kind: "cluster" }],
    ]);
  });
});

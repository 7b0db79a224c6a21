import assert from "node:assert/strict";
import * as http2 from "node:http2";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import type { ConnectionPolicy } from "../http/connection-policy.ts";
import { ClusterKeys } from "./cluster-keys.ts";
import { GrpcServer } from "./grpc-server.ts";
import { ApiRegistry } from "./registry.ts";
import {
  type Thing,
  ThingRegistry,
  ThingSchema,
} from "./rest/testdata/gen/lorastack/test/things_pb.js";

const policy: ConnectionPolicy = {
  headerTimeoutMs: 300,
  requestTimeoutMs: 300,
  idleTimeoutMs: 300,
};

describe("GrpcServer connection policy", () => {
  it("keeps a server stream open past the request and idle timeouts, and closes the idle session after it", async () => {
    const api = new ApiRegistry();
    api.register(ThingRegistry, {
      async *watch(_request, context) {
        for (let index = 0; index < 4 && !context.signal.aborted; index++) {
          yield create(ThingSchema, { name: `thing ${index}` }) as Thing;
          await new Promise((resolve) => setTimeout(resolve, 400));
        }
      },
    });
    const server = new GrpcServer(api, {
      clusterKeys: ClusterKeys.fromHex([]),
      connections: policy,
    });
    const [bound] = await server.listen([
      { name: "grpc", address: { host: "127.0.0.1", port: 0 } },
    ]);
    const session = http2.connect(`http://${bound?.address}`);
    session.on("error", () => {});
    try {
      const goaway = new Promise<number>((resolve) => session.once("goaway", resolve));
      const started = Date.now();
      const stream = session.request({
        ":method": "POST",
        ":path": "/lorastack.test.ThingRegistry/Watch",
        "content-type": "application/grpc",
        te: "trailers",
      });
      stream.end(Buffer.alloc(5)); // an empty WatchRequest
      let messages = 0;
      stream.on("data", () => messages++);
      const trailers = await new Promise<http2.IncomingHttpHeaders>((resolve) =>
        stream.once("trailers", resolve),
      );
      const streamMs = Date.now() - started;
      assert.equal(trailers["grpc-status"], "0");
      assert.equal(messages, 4);
      assert.ok(streamMs > 1_200, `the stream ran ${streamMs} ms, longer than every timeout`);
      // Without streams, the session is closed after the idle timeout.
      assert.equal(await goaway, http2.constants.NGHTTP2_NO_ERROR);
      assert.ok(Date.now() - started < streamMs + 2_000);
    } finally {
      session.destroy();
      await server.close(0);
    }
  });
});

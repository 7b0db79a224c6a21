import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { type ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { pino } from "pino";
import { ErrorDetailsSchema } from "../gen/ttn/lorawan/v3/error_pb.js";
import { EntityAccess } from "../gen/ttn/lorawan/v3/identityserver_pb.js";
import { ClusterKeys } from "./cluster-keys.ts";
import { errInternal, errorFromConnect } from "./errors.ts";
import { GrpcServer } from "./grpc-server.ts";
import { ApiRegistry } from "./registry.ts";

describe("errors on the gRPC port", () => {
  it("logs unexpected errors under the correlation id the caller sees, and hides them", async (t) => {
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
    const registry = new ApiRegistry();
    registry.register(EntityAccess, {
      authInfo: () => {
        throw new TypeError("secret detail");
      },
    });
    const server = new GrpcServer(registry, { clusterKeys: ClusterKeys.fromHex([]), logger });
    const [bound] = await server.listen([
      { name: "grpc", address: { host: "127.0.0.1", port: 0 } },
    ]);
    t.after(() => server.close(0));
    const client = createClient(
      EntityAccess,
      createGrpcTransport({ baseUrl: `http://${bound?.address}` }),
    );
    const error = await client.authInfo({}).catch((caught: unknown) => caught);
    const [details] = (error as ConnectError).findDetails(ErrorDetailsSchema);
    assert.ok(details);
    assert.ok(errInternal.matches(errorFromConnect(error as never)));
    assert.doesNotMatch(String((error as Error).message), /secret detail/);
    const logged = lines.find((line) => line.msg === "API error");
    assert.ok(logged, "the error is logged");
    assert.equal(logged.correlation_id, details.correlationId);
    assert.match(JSON.stringify(logged.err), /secret detail/);
  });
});

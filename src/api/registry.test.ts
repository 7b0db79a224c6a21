import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { createHandlerContext, type HandlerContext } from "@connectrpc/connect";
import {
  Events,
  FindRelatedEventsRequestSchema,
  FindRelatedEventsResponseSchema,
} from "../gen/ttn/lorawan/v3/events_pb.js";
import { ApiRegistry } from "./registry.ts";

function context(): HandlerContext {
  return createHandlerContext({
    service: Events,
    method: Events.method.findRelated,
    protocolName: "test",
    requestMethod: "GET",
    url: "http://localhost/ttn.lorawan.v3.Events/FindRelated",
    requestHeader: { "x-request-id": "r-1" },
  });
}

describe("ApiRegistry aroundCall", () => {
  it("runs every unary call through it, with the full method name, and leaves streams as they are", async () => {
    const calls: string[] = [];
    const api = new ApiRegistry({
      aroundCall: ({ fullMethod, context }, run) => {
        calls.push(`${fullMethod} ${context.requestHeader.get("x-request-id")}`);
        return run();
      },
    });
    class Implementation {
      readonly answer = create(FindRelatedEventsResponseSchema, {});
      async findRelated() {
        return this.answer;
      }
      async *stream() {}
    }
    const implementation = new Implementation();
    api.register(Events, implementation);
    const registered = api.find(Events.typeName)?.implementation as unknown as {
      findRelated(request: unknown, context: HandlerContext): Promise<unknown>;
      stream: unknown;
    };
    const answer = await registered.findRelated(
      create(FindRelatedEventsRequestSchema, {}),
      context(),
    );
    assert.equal(answer, implementation.answer, "called on its own object");
    assert.deepEqual(calls, ["/ttn.lorawan.v3.Events/FindRelated r-1"]);
    assert.equal(registered.stream, implementation.stream);
  });

  it("registers implementations as they are without it", () => {
    const api = new ApiRegistry();
    const implementation = { async findRelated() {} };
    api.register(Events, implementation as never);
    assert.equal(api.find(Events.typeName)?.implementation, implementation);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { type ApplicationUp, ApplicationUpSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { correlatingUplinks } from "./correlation.ts";

describe("as:up correlation IDs", () => {
  it("appends a fresh as:up ID to every message handled or simulated, after the NS's", async () => {
    const seen: ApplicationUp[] = [];
    const handler = correlatingUplinks({
      handle: async (ups) => {
        seen.push(...ups);
      },
      simulate: async (up) => {
        seen.push(up);
      },
    });
    const up = create(ApplicationUpSchema, { correlationIds: ["gs:uplink:1", "ns:uplink:2"] });
    await handler.handle([up, up]);
    await handler.simulate(create(ApplicationUpSchema, {}));
    assert.equal(seen.length, 3);
    const [first, second, simulated] = seen.map((message) => message.correlationIds);
    assert.deepEqual(first?.slice(0, 2), ["gs:uplink:1", "ns:uplink:2"]);
    assert.match(first?.[2] ?? "", /^as:up:[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.notEqual(first?.[2], second?.[2], "one ID per message");
    assert.equal(simulated?.length, 1);
    assert.match(simulated?.[0] ?? "", /^as:up:/);
    assert.deepEqual(up.correlationIds, ["gs:uplink:1", "ns:uplink:2"], "the input is unchanged");
  });
});

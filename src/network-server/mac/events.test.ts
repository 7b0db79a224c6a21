import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as events from "./events.ts";

describe("MAC events", () => {
  it("use The Things Stack's names", () => {
    const names = Object.values(events)
      .filter(
        (value): value is events.MacEventDefinition => typeof value === "object" && "name" in value,
      )
      .map((definition) => definition.name);
    for (const name of [
      "ns.mac.link_adr.request",
      "ns.mac.link_adr.answer.accept",
      "ns.mac.link_adr.answer.reject",
      "ns.mac.dev_status.request",
      "ns.mac.dev_status.answer",
      "ns.mac.link_check.request",
      "ns.mac.link_check.answer",
      "ns.mac.reset.indication",
      "ns.mac.reset.confirmation",
      "ns.mac.rekey.indication",
      "ns.mac.rekey.confirmation",
      "ns.mac.device_mode.indication",
      "ns.mac.device_mode.confirmation",
      "ns.class.switch.c",
    ]) {
      assert.ok(names.includes(name), name);
    }
    for (const name of names) assert.match(name, /^ns\.(mac|class)\./);
  });

  it("are visible with the application traffic right", () => {
    assert.deepEqual(events.evtReceiveDevStatusAnswer.visibility, [
      "RIGHT_APPLICATION_TRAFFIC_READ",
    ]);
  });
});

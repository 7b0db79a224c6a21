import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TxSchedulePriority } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { type DownlinkContent, downlinkPriority } from "./priority.ts";

const { LOW, NORMAL, HIGH, HIGHEST, ABOVE_NORMAL } = TxSchedulePriority;

describe("downlink priority", () => {
  const cases: { name: string; content: DownlinkContent; expected: TxSchedulePriority }[] = [
    { name: "join-accept", content: { kind: "join-accept" }, expected: HIGHEST },
    {
      name: "application downlink at NORMAL",
      content: { kind: "data", applicationPriority: NORMAL, macCommands: false },
      expected: NORMAL,
    },
    {
      name: "application downlink asking HIGHEST is capped at HIGH",
      content: { kind: "data", applicationPriority: HIGHEST, macCommands: false },
      expected: HIGH,
    },
    {
      name: "application downlink with MAC commands: the MAC command priority",
      content: { kind: "data", applicationPriority: LOW, macCommands: true },
      expected: HIGHEST,
    },
    {
      name: "MAC-only downlink (FPort 0)",
      content: { kind: "data", macCommands: true },
      expected: HIGHEST,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(downlinkPriority(c.content), c.expected);
    });
  }

  it("configured priorities", () => {
    const priorities = {
      joinAccept: HIGH,
      macCommands: ABOVE_NORMAL,
      maxApplicationDownlink: NORMAL,
    };
    assert.equal(downlinkPriority({ kind: "join-accept" }, priorities), HIGH);
    assert.equal(
      downlinkPriority({ kind: "data", applicationPriority: HIGH, macCommands: false }, priorities),
      NORMAL,
    );
    assert.equal(downlinkPriority({ kind: "data", macCommands: true }, priorities), ABOVE_NORMAL);
  });
});

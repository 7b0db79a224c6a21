import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Class, MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { fromStateCommand } from "./commands.ts";
import { eu868, eventNames, settledState, uplinkContext } from "./testing.ts";
import { handleUplinkCommands } from "./uplink.ts";

describe("DeviceModeInd", () => {
  const rows = [
    {
      name: "A to C, supported",
      from: Class.A,
      asked: 2,
      supportsClassC: true,
      to: Class.C,
      switched: "ns.class.switch.c",
    },
    {
      name: "A to C, not supported: stays A",
      from: Class.A,
      asked: 2,
      supportsClassC: false,
      to: Class.A,
      switched: undefined,
    },
    {
      name: "C to A",
      from: Class.C,
      asked: 0,
      supportsClassC: true,
      to: Class.A,
      switched: "ns.class.switch.a",
    },
    {
      name: "A to A: no switch",
      from: Class.A,
      asked: 0,
      supportsClassC: true,
      to: Class.A,
      switched: undefined,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const macState = settledState(eu868, MACVersion.MAC_V1_1);
      macState.deviceClass = row.from;
      const up = handleUplinkCommands(
        { macState },
        [{ cid: 0x20, name: "DeviceModeInd", deviceClass: row.asked }],
        uplinkContext({ supportsClassC: row.supportsClassC }),
      );
      assert.equal(up.state.macState.deviceClass, row.to);
      assert.deepEqual(eventNames(up.events), [
        "ns.mac.device_mode.indication",
        ...(row.switched === undefined ? [] : [row.switched]),
        "ns.mac.device_mode.confirmation",
      ]);
      const queued = up.state.macState.queuedResponses[0];
      assert.ok(queued);
      assert.deepEqual(fromStateCommand(queued, "downlink"), {
        cid: 0x20,
        name: "DeviceModeConf",
        deviceClass: row.to === Class.C ? 2 : 0,
      });
    });
  }
});

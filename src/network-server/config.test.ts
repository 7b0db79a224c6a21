import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { networkServerConfig } from "./config.ts";

const schema = z.strictObject(networkServerConfig.shape);

describe("ns.* configuration", () => {
  it("has The Things Stack's defaults", () => {
    const { ns } = schema.parse({});
    assert.equal(ns.net_id, "000000");
    assert.deepEqual(ns.dev_addr_prefixes, []);
    assert.equal(ns.deduplication_window, 200);
    assert.equal(ns.cooldown_window, 1000);
    assert.equal(ns.device_kek_label, "");
    assert.deepEqual(ns.default_mac_settings, {
      adr_margin: 15,
      desired_rx1_delay: 5,
      class_b_timeout: 600_000,
      class_c_timeout: 300_000,
      status_time_periodicity: 86_400_000,
      status_count_periodicity: 200,
    });
  });

  it("reads lists and numbers from the environment's text", () => {
    const { ns } = schema.parse({
      ns: {
        net_id: "000013",
        dev_addr_prefixes: "260B0000/16, 27000000/8",
        deduplication_window: "300ms",
        default_mac_settings: { adr_margin: "10", status_count_periodicity: "50" },
      },
    });
    assert.deepEqual(ns.dev_addr_prefixes, ["260B0000/16", "27000000/8"]);
    assert.equal(ns.deduplication_window, 300);
    assert.equal(ns.default_mac_settings.adr_margin, 10);
    assert.equal(ns.default_mac_settings.status_count_periodicity, 50);
  });

  it("refuses malformed values, naming the key", () => {
    for (const ns of [
      { net_id: "13" },
      { dev_addr_prefixes: ["260B0000/33"] },
      { dev_addr_prefixes: ["260B0000"] },
      { deduplication_window: "soon" },
      { device_kek_label: "-bad" },
      { default_mac_settings: { desired_rx1_delay: 16 } },
      { unknown: 1 },
    ]) {
      const result = schema.safeParse({ ns });
      assert.equal(result.success, false, JSON.stringify(ns));
      assert.equal(result.error?.issues[0]?.path[0], "ns");
    }
  });
});

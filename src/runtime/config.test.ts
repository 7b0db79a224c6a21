import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { describe, it } from "node:test";
import {
  composeConfig,
  loadConfig,
  readSection,
  redactConfig,
  sharedConfig,
} from "../config/index.ts";
import { runtimeConfig } from "./config.ts";

const model = composeConfig([
  { owner: "shared", section: sharedConfig },
  { owner: "runtime", section: runtimeConfig },
]);

describe("runtime configuration", () => {
  it("serves metrics on loopback port 1889 by default and bounds connections", () => {
    const { config } = loadConfig(model, { cwd: tmpdir(), env: {} });
    const section = readSection(runtimeConfig, config);
    assert.deepEqual(section.metrics, { listen: "127.0.0.1:1889", token: "" });
    assert.deepEqual(section.connections, {
      header_timeout: 10_000,
      request_timeout: 60_000,
      idle_timeout: 65_000,
      max_per_address: 512,
      max_total: 10_000,
    });
  });

  it("reads the keys from the environment and hides the metrics token", () => {
    const { config } = loadConfig(model, {
      cwd: tmpdir(),
      env: {
        LORASTACK_CONNECTIONS_HEADER_TIMEOUT: "2s",
        LORASTACK_CONNECTIONS_MAX_PER_ADDRESS: "0",
        LORASTACK_METRICS_LISTEN: "",
        LORASTACK_METRICS_TOKEN: "s3cret",
      },
    });
    const section = readSection(runtimeConfig, config);
    assert.equal(section.connections.header_timeout, 2_000);
    assert.equal(section.connections.max_per_address, 0);
    assert.equal(section.metrics.listen, "");
    const printed = redactConfig(config, model.secrets) as { metrics: { token: string } };
    assert.equal(printed.metrics.token, "***");
  });
});

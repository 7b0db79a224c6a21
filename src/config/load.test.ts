import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { z } from "zod";
import { composeConfig } from "./compose.ts";
import { errConfigFile, errInvalidConfiguration } from "./errors.ts";
import { type LoadConfigOptions, loadConfig as loadWith } from "./load.ts";
import { redactConfig } from "./redact.ts";
import { sharedConfig } from "./schema.ts";
import { type ConfigSection, readSection } from "./section.ts";

/** A component's section, as a component's config.ts declares it. */
const widgetSection = {
  shape: {
    widget: z
      .strictObject({
        size: z.number().int().positive().default(3).describe("how big the widget is"),
        token: z.string().default("").describe("the widget's secret token"),
      })
      .prefault({}),
  },
  secrets: { "widget.token": () => "***" },
} satisfies ConfigSection;

const model = composeConfig([
  { owner: "shared", section: sharedConfig },
  { owner: "widgets", section: widgetSection },
]);
const configKeys = model.keys;
const loadConfig = (options: LoadConfigOptions) => loadWith(model, options);

let folder: string;
before(async () => {
  folder = await mkdtemp(join(tmpdir(), "lorastack-config-"));
});
after(async () => {
  await rm(folder, { recursive: true, force: true });
});

function invalid(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(
      errInvalidConfiguration.matches(error),
      `expected invalid_configuration, got ${error}`,
    );
    assert.match(error.message, pattern);
    return true;
  });
}

describe("loadConfig", () => {
  it("defaults every listen address from the port table", () => {
    const { config } = loadConfig({ cwd: folder });
    assert.equal(config.data_dir, "./data");
    assert.deepEqual(
      {
        udp: config.udp.listen,
        gatewayMqttV2: [config.gateway_mqtt_v2.listen, config.gateway_mqtt_v2.listen_tls],
        gatewayMqtt: [config.gateway_mqtt.listen, config.gateway_mqtt.listen_tls],
        mqtt: [config.mqtt.listen, config.mqtt.listen_tls],
        grpc: [config.grpc.listen, config.grpc.listen_tls],
        http: [config.http.listen, config.http.listen_tls],
        basicStation: [config.basic_station.listen, config.basic_station.listen_tls],
        tabsHubs: [config.tabs_hubs.listen, config.tabs_hubs.listen_tls],
        gatewayTti: config.gateway_tti.listen_tls,
        cups: config.cups.listen_tls,
      },
      {
        udp: ":1700",
        gatewayMqttV2: [":1881", ":8881"],
        gatewayMqtt: [":1882", ":8882"],
        mqtt: [":1883", ":8883"],
        grpc: [":1884", ":8884"],
        http: [":1885", ":8885"],
        basicStation: [":1887", ":8887"],
        tabsHubs: [":1888", ":8888"],
        gatewayTti: ":8889",
        cups: ":8987",
      },
    );
    assert.equal(config.shutdown_timeout, 10_000);
  });

  it("layers file < environment < flags and records where each value came from", async () => {
    const file = join(folder, "layers.yml");
    await writeFile(
      file,
      "http:\n  listen: ':2000'\ngrpc:\n  listen: ':2001'\nudp:\n  listen: ':2002'\n",
    );
    const { config, sources } = loadConfig({
      cwd: folder,
      configFile: file,
      env: { LORASTACK_GRPC_LISTEN: ":3001", LORASTACK_UDP_LISTEN: ":3002", PATH: "/bin" },
      flags: { "udp.listen": ":4002" },
    });
    assert.equal(config.http.listen, ":2000");
    assert.equal(config.grpc.listen, ":3001");
    assert.equal(config.udp.listen, ":4002");
    assert.equal(sources.get("http.listen"), `file ${file}`);
    assert.equal(sources.get("grpc.listen"), "environment LORASTACK_GRPC_LISTEN");
    assert.equal(sources.get("udp.listen"), "flag --udp.listen");
    assert.equal(sources.get("mqtt.listen"), undefined);
  });

  it("reads ./lorastack.yml when no file is named", async () => {
    const cwd = await mkdtemp(join(folder, "cwd-"));
    await writeFile(join(cwd, "lorastack.yml"), "data_dir: /var/lib/lorastack\n");
    const { config, file } = loadConfig({ cwd });
    assert.equal(config.data_dir, "/var/lib/lorastack");
    assert.equal(file, join(cwd, "lorastack.yml"));
  });

  it("names the key, the value, its source and the expectation for a bad value", () => {
    invalid(
      () => loadConfig({ cwd: folder, env: { LORASTACK_HTTP_LISTEN: "nonsense" } }),
      /http\.listen = "nonsense" \(from environment LORASTACK_HTTP_LISTEN\): expected a listen address/,
    );
    invalid(
      () => loadConfig({ cwd: folder, flags: { "log.level": "loud" } }),
      /log\.level = "loud" \(from flag --log\.level\)/,
    );
    invalid(
      () => loadConfig({ cwd: folder, env: { LORASTACK_SHUTDOWN_TIMEOUT: "soon" } }),
      /shutdown_timeout = "soon".*expected a duration/,
    );
    invalid(
      () => loadConfig({ cwd: folder, env: { LORASTACK_DATABASE_URI: "mysql://x" } }),
      /database\.uri = "mysql:\/\/x".*"postgres:\/\/"/,
    );
  });

  it("rejects unknown keys in a file, naming them and the known ones", async () => {
    const file = join(folder, "unknown.yml");
    await writeFile(file, "htp:\n  listen: ':1'\nhttp:\n  lisen: ':2'\n");
    invalid(
      () => loadConfig({ cwd: folder, configFile: file }),
      /unknown key htp \(known: data_dir, log, http/,
    );
    invalid(
      () => loadConfig({ cwd: folder, configFile: file }),
      /unknown key http\.lisen \(known: listen, listen_tls\)/,
    );
  });

  it("requires TLS certificate and key together", () => {
    invalid(
      () => loadConfig({ cwd: folder, env: { LORASTACK_TLS_CERTIFICATE: "/cert.pem" } }),
      /both tls\.certificate and tls\.key/,
    );
  });

  it("reports an unreadable or malformed file", async () => {
    assert.throws(
      () => loadConfig({ cwd: folder, configFile: "missing.yml" }),
      (error: unknown) => errConfigFile.matches(error) && /ENOENT/.test(error.message),
    );
    const bad = join(folder, "bad.yml");
    await writeFile(bad, "http: [unclosed\n");
    assert.throws(
      () => loadConfig({ cwd: folder, configFile: bad }),
      (error: unknown) => errConfigFile.matches(error),
    );
    const list = join(folder, "list.yml");
    await writeFile(list, "- a\n- b\n");
    assert.throws(() => loadConfig({ cwd: folder, configFile: list }), /expected a mapping/);
  });

  it("warns about unknown LORASTACK_ variables instead of ignoring them silently", () => {
    const { warnings } = loadConfig({ cwd: folder, env: { LORASTACK_HTTP_LISTN: ":1" } });
    assert.deepEqual(warnings, ["ignoring unknown environment variable LORASTACK_HTTP_LISTN"]);
  });

  it("gives every key a distinct environment variable and flag", () => {
    assert.equal(new Set(configKeys.map((key) => key.env)).size, configKeys.length);
    assert.equal(new Set(configKeys.map((key) => key.flag)).size, configKeys.length);
    const http = configKeys.find((key) => key.path === "http.listen_tls");
    assert.deepEqual([http?.env, http?.flag], ["LORASTACK_HTTP_LISTEN_TLS", "--http.listen-tls"]);
  });
});

describe("redactConfig", () => {
  it("hides the password of database and Redis URIs and keeps the rest", () => {
    const { config } = loadConfig({
      cwd: folder,
      env: {
        LORASTACK_DATABASE_URI: "postgres://lora:pa55@db:5432/lorastack",
        LORASTACK_REDIS_URI: "redis://:r3dis@cache:6379/0",
      },
    });
    const redacted = redactConfig(config, model.secrets) as {
      database: { uri: string };
      redis: { uri: string };
    };
    assert.equal(redacted.database.uri, "postgres://lora:***@db:5432/lorastack");
    assert.equal(redacted.redis.uri, "redis://:***@cache:6379/0");
    assert.equal(
      config.database.uri,
      "postgres://lora:pa55@db:5432/lorastack",
      "the original is unchanged",
    );
  });
});

describe("composeConfig", () => {
  it("adds a component's section: keys, environment, flags, defaults and secrets", async () => {
    const size = configKeys.find((key) => key.path === "widget.size");
    assert.deepEqual(size, {
      path: "widget.size",
      env: "LORASTACK_WIDGET_SIZE",
      flag: "--widget.size",
      description: "how big the widget is",
      defaultValue: 3,
    });
    const file = join(folder, "widget.yml");
    await writeFile(file, "widget:\n  size: 5\n  token: abc\n");
    const { config } = loadConfig({ cwd: folder, configFile: file });
    assert.deepEqual(readSection(widgetSection, config), { widget: { size: 5, token: "abc" } });
    assert.deepEqual(
      (redactConfig(config, model.secrets) as typeof config & { widget: unknown }).widget,
      {
        size: 5,
        token: "***",
      },
    );
    invalid(
      () => loadConfig({ cwd: folder, configFile: file, flags: { "widget.size": "big" } }),
      /widget\.size = "big" \(from flag --widget\.size\)/,
    );
  });

  it("refuses two parts that declare the same key, naming both", () => {
    assert.throws(
      () =>
        composeConfig([
          { owner: "shared", section: sharedConfig },
          { owner: "gs", section: { shape: { http: z.string() } } },
        ]),
      /configuration key http is declared by both shared and gs/,
    );
  });
});

import { z } from "zod";
import { parseDuration } from "./duration.ts";
import { parseListenAddress } from "./listen-address.ts";
import { redactUri } from "./redact.ts";
import type { ConfigSection } from "./section.ts";

const listenExpectation = 'a listen address "host:port", ":port", "[ipv6]:port", or "" to disable';

/** A listen address leaf; the empty string disables the listener. */
export function listen(defaultValue: string, description: string) {
  return z
    .string()
    .refine((value) => value === "" || parseListenAddress(value) !== undefined, {
      message: `expected ${listenExpectation}`,
    })
    .default(defaultValue)
    .describe(description);
}

/** A plain listener and its TLS twin, defaults from the port table. */
export function listenerPair(plain: string, tls: string, what: string) {
  return z
    .strictObject({
      listen: listen(plain, `${what} (plain)`),
      listen_tls: listen(
        tls,
        `${what} (TLS; starts only when tls.certificate and tls.key are set)`,
      ),
    })
    .prefault({});
}

/** A duration leaf: `10s`, `500ms`, `1m`, or milliseconds as a number. */
export function duration(defaultValue: string, description: string) {
  return z
    .union([z.number().nonnegative(), z.string()])
    .transform((value, ctx) => {
      const ms = typeof value === "number" ? value : parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({
          code: "custom",
          message: 'expected a duration such as "500ms", "10s" or "1m"',
        });
        return z.NEVER;
      }
      return ms;
    })
    .prefault(defaultValue)
    .describe(description);
}

/** A URI leaf: `""` or a URI with one of `schemes`. */
export function uri(schemes: readonly string[], description: string) {
  return z
    .string()
    .refine((value) => value === "" || schemes.some((scheme) => value.startsWith(scheme)), {
      message: `expected "" or a URI starting with ${schemes.map((s) => `"${s}"`).join(", ")}`,
    })
    .default("")
    .describe(description);
}

/** A boolean leaf; environment variables and flags give `true` or `false` as text. */
export function boolean(defaultValue: boolean, description: string) {
  return z
    .union([z.boolean(), z.enum(["true", "false"]).transform((text) => text === "true")], {
      error: "expected true or false",
    })
    .default(defaultValue)
    .describe(description);
}

/** A list leaf: a YAML list, or a comma-separated string from the environment or a flag. */
export function list(item: z.ZodString, description: string, defaultValue: readonly string[] = []) {
  return z
    .union([
      z.array(z.string()),
      z.string().transform((text) =>
        text
          .split(",")
          .map((part) => part.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(item))
    .default([...defaultValue])
    .describe(description);
}

/** A number leaf: a YAML number, or a numeric string from the environment or a flag. */
export function number(schema: z.ZodNumber) {
  return z
    .union([
      z.number(),
      z
        .string()
        .regex(/^-?\d+(?:\.\d+)?$/)
        .transform(Number),
    ])
    .pipe(schema);
}

/**
 * The shared sections of the configuration: what the process itself reads. Every key has a
 * default; defaults for listen addresses follow the port table in docs/architecture.md. A
 * component declares its own keys in its `config.ts`; the program's root schema is composed
 * from these sections and every component's (src/program/config.ts).
 */
export const sharedConfigSchema = z.strictObject({
  data_dir: z
    .string()
    .min(1)
    .default("./data")
    .describe("folder for the SQLite database and other local state"),
  log: z
    .strictObject({
      level: z
        .enum(["trace", "debug", "info", "warn", "error", "fatal"])
        .default("info")
        .describe("least severe level that is logged"),
      format: z
        .enum(["auto", "json", "pretty"])
        .default("auto")
        .describe("json, pretty, or auto (pretty on a terminal, JSON otherwise)"),
    })
    .prefault({}),
  http: z
    .strictObject({
      listen: listen(":1885", "HTTP: management API, health, metrics (plain)"),
      listen_tls: listen(
        ":8885",
        "HTTP (TLS; starts only when tls.certificate and tls.key are set)",
      ),
    })
    .prefault({}),
  grpc: listenerPair(":1884", ":8884", "gRPC API"),
  udp: z
    .strictObject({ listen: listen(":1700", "Semtech UDP packet forwarder gateways") })
    .prefault({}),
  gateway_mqtt_v2: listenerPair(":1881", ":8881", "gateway MQTT, legacy v2 format"),
  gateway_mqtt: listenerPair(":1882", ":8882", "gateway MQTT"),
  mqtt: listenerPair(":1883", ":8883", "application data and events over MQTT"),
  basic_station: listenerPair(":1887", ":8887", "LoRa Basics Station LNS websockets"),
  tabs_hubs: listenerPair(":1888", ":8888", "Tabs Hubs LNS websockets"),
  gateway_tti: z
    .strictObject({ listen_tls: listen(":8889", "gateway websockets, TTI protocol (mTLS)") })
    .prefault({}),
  cups: z
    .strictObject({ listen_tls: listen(":8987", "LoRa Basics Station CUPS (mTLS)") })
    .prefault({}),
  tls: z
    .strictObject({
      certificate: z.string().default("").describe("PEM certificate file for TLS listeners"),
      key: z.string().default("").describe("PEM private key file for TLS listeners"),
    })
    .prefault({})
    .refine((tls) => (tls.certificate === "") === (tls.key === ""), {
      message: "expected both tls.certificate and tls.key, or neither",
    }),
  database: z
    .strictObject({
      uri: uri(
        ["sqlite:", "postgres://", "postgresql://"],
        'database: "" for <data_dir>/lorastack.db, sqlite:<file>, or postgres://user:password@host/db',
      ),
    })
    .prefault({}),
  redis: z
    .strictObject({
      uri: uri(["redis://", "rediss://"], "Redis for cluster coordination; empty for in-process"),
    })
    .prefault({}),
  shutdown_timeout: duration("10s", "how long a graceful shutdown waits for in-flight work"),
});

/**
 * The validated configuration as the process and every component read it: the shared sections,
 * typed. (The object also holds every component's section; a component reads its own as
 * `ComponentContext.section`.)
 */
export type Config = z.output<typeof sharedConfigSchema>;

/**
 * Shared keys whose values are secret, with how to print them: URIs keep everything but their
 * password and secret query parameters (`redactUri`). A component lists its own secret keys
 * beside its section (its `config.ts`).
 */
export const secretKeys: Record<string, (value: string) => unknown> = {
  "database.uri": redactUri,
  "redis.uri": redactUri,
};

/** The shared sections as one part of the root schema. */
export const sharedConfig: ConfigSection<typeof sharedConfigSchema.shape> = {
  shape: sharedConfigSchema.shape,
  secrets: secretKeys,
};

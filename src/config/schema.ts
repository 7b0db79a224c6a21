import { z } from "zod";
import { peerRoles } from "../cluster/roles.ts";
import { parseDuration } from "./duration.ts";
import { parseListenAddress } from "./listen-address.ts";

const listenExpectation = 'a listen address "host:port", ":port", "[ipv6]:port", or "" to disable';

/** A listen address leaf; the empty string disables the listener. */
function listen(defaultValue: string, description: string) {
  return z
    .string()
    .refine((value) => value === "" || parseListenAddress(value) !== undefined, {
      message: `expected ${listenExpectation}`,
    })
    .default(defaultValue)
    .describe(description);
}

/** A plain listener and its TLS twin, defaults from the port table. */
function listenerPair(plain: string, tls: string, what: string) {
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
function duration(defaultValue: string, description: string) {
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

function uri(schemes: readonly string[], description: string) {
  return z
    .string()
    .refine((value) => value === "" || schemes.some((scheme) => value.startsWith(scheme)), {
      message: `expected "" or a URI starting with ${schemes.map((s) => `"${s}"`).join(", ")}`,
    })
    .default("")
    .describe(description);
}

/** A list leaf: a YAML list, or a comma-separated string from the environment or a flag. */
function list(item: z.ZodString, description: string) {
  return z
    .union([z.array(z.string()), z.string().transform((text) => text.split(",").filter(Boolean))])
    .pipe(z.array(item))
    .default([])
    .describe(description);
}

/** A boolean leaf: `true`/`false` in YAML, or the same words from the environment or a flag. */
function flag(description: string) {
  return z
    .union([z.boolean(), z.enum(["true", "false"]).transform((text) => text === "true")])
    .default(false)
    .describe(description);
}

const peerAddressExpectation =
  'expected "" (in this process or not used), "host:port", or a domain looked up with DNS SRV';

/**
 * Where the peers of each role are: `cluster.<role>_address` for every role of
 * src/cluster/roles.ts.
 */
const peerAddresses = Object.fromEntries(
  Object.values(peerRoles).map(({ title, addressKey }) => [
    addressKey,
    z
      .string()
      .trim()
      .refine((value) => value === "" || /^[A-Za-z0-9.:[\]_-]+$/.test(value), {
        message: peerAddressExpectation,
      })
      .default("")
      .describe(
        `the ${title} when it does not run in this process: host:port, or a domain (DNS SRV)`,
      ),
  ]),
) as Record<(typeof peerRoles)[keyof typeof peerRoles]["addressKey"], z.ZodDefault<z.ZodString>>;

/** How this process reaches and authenticates the other components of its cluster. */
const clusterSection = z
  .strictObject({
    keys: list(
      z
        .string()
        .trim()
        .regex(/^(?:[0-9a-fA-F]{2}){16,64}$/, {
          message: "each cluster key must be 16 to 64 bytes written as hexadecimal",
        }),
      "keys shared by the cluster's processes (hex, comma-separated); the first is used to call; default a random key per process",
    ),
    ...peerAddresses,
    tls: flag("dial remote peers with TLS"),
    tls_ca: z
      .string()
      .default("")
      .describe("PEM file of the CA that signs peers' certificates; default the system's"),
    address: z
      .string()
      .default("")
      .describe("where peers reach this process (host:port); default <host name>:<gRPC port>"),
    dns_servers: list(
      z.string().regex(/^(?:\[[0-9a-fA-F:.]+\]|[0-9.]+|[A-Za-z0-9.-]+)(?::\d{1,5})?$/, {
        message: 'expected "host" or "host:port" of a DNS server',
      }),
      "DNS servers for peer lookups (host:port, comma-separated); default the system's",
    ),
  })
  .prefault({});

/**
 * The configuration of one lorastack process. Every key has a default; defaults for listen
 * addresses follow the port table in docs/architecture.md. Components add their sections
 * here as they are built.
 */
export const configSchema = z.strictObject({
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
  interop: listenerPair(":1886", ":8886", "LoRaWAN Backend Interfaces"),
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
  oauth: z
    .strictObject({
      issuer: z
        .string()
        .refine((value) => value === "" || /^https?:\/\/[^/?#]+\/[^?#]*$/.test(value), {
          message:
            'expected "" or an http(s) URL with a path, such as "https://lns.example.com/oauth"',
        })
        .default("")
        .describe("public URL of the OAuth server; default http://localhost:<http port>/oauth"),
      cookie_keys: z
        .union([
          z.array(z.string()),
          z.string().transform((text) => text.split(",").filter(Boolean)),
        ])
        .pipe(z.array(z.string().min(16, "each cookie key needs at least 16 characters")))
        .default([])
        .describe(
          "keys that sign OAuth session cookies (comma-separated); default one kept in the database",
        ),
    })
    .prefault({}),
  shutdown_timeout: duration("10s", "how long a graceful shutdown waits for in-flight work"),
  cluster: clusterSection,
});

/** The validated configuration. */
export type Config = z.output<typeof configSchema>;

/**
 * Keys whose values are secret, with how to print them: URIs keep everything but their password.
 * Every key that can hold a secret is listed here and nowhere else.
 */
export const secretKeys: Record<string, (value: string) => unknown> = {
  "database.uri": redactUriPassword,
  "redis.uri": redactUriPassword,
  "oauth.cookie_keys": () => "***",
  "cluster.keys": () => "***",
};

function redactUriPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, "$1***@");
}

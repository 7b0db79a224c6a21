import { z } from "zod";
import { boolean, type ConfigSection, list, type SectionValues } from "../config/index.ts";
import { peerRoles } from "./roles.ts";

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
    tls: boolean(false, "dial remote peers with TLS"),
    tls_ca: z
      .string()
      .default("")
      .describe("PEM file of the CA that signs peers' certificates; default the system's"),
    id: z
      .string()
      .trim()
      .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?)?$/, {
        message:
          "expected 1 to 64 letters, digits, '.', '_' or '-', starting and ending with a letter or digit",
      })
      .default("")
      .describe(
        "this instance's name in logs, metrics and Redis client names; default <host name>-<process id>",
      ),
    task_store: z
      .enum(["redis", "database"], {
        message: 'expected "redis" or "database"',
      })
      .default("redis")
      .describe(
        "where durable tasks (scheduled downlinks, application uplinks to forward) are kept with Redis configured: redis (needs Redis persistence to survive its restart) or database",
      ),
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

/** The cluster's part of the configuration: `cluster.*`. */
export const clusterConfig = {
  shape: { cluster: clusterSection },
  secrets: { "cluster.keys": () => "***" },
} satisfies ConfigSection;

/** The validated `cluster` section. */
export type ClusterConfig = SectionValues<typeof clusterConfig>;

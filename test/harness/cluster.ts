/**
 * A cluster of real `bin/lorastack start` processes for tests and benchmarks: N instances on
 * one throwaway PostgreSQL and one throwaway Redis (the system binaries), each on ephemeral
 * ports with its own data directory, the same cluster keys, and peers found by configured
 * addresses or by DNS SRV from a DNS responder on 127.0.0.1. Helpers: kill -9 one instance,
 * the admin's API key, a REST client of any instance.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PeerRole, peerRoles } from "../../src/cluster/roles.ts";
import { type DnsServer, startDnsServer } from "./dns-server.ts";
import { freePort } from "./free-port.ts";
import { initialize } from "./identity-admin.ts";
import { type LorastackProcess, startLorastack } from "./lorastack-process.ts";
import { type StartPostgresOptions, startPostgres, type TestPostgres } from "./postgres.ts";
import { startRedis, type TestRedis } from "./redis.ts";
import { type Json, type RestAnswer, type RestOptions, rest, restOk } from "./rest-client.ts";

/** The components `lorastack start` runs without arguments. */
export const allComponents = ["as", "gcs", "gs", "is", "js", "ns"] as const;

/** One instance of the cluster. */
export interface InstanceSpec {
  /** `cluster.id`, and its host name in DNS (`<name>.<domain>`). */
  name: string;
  /** Arguments of `start`; default every component. */
  components?: readonly string[];
  /** Extra environment of this instance. */
  env?: Record<string, string>;
}

export interface ClusterOptions {
  instances: readonly InstanceSpec[];
  /** Environment of every instance (after the cluster's own). */
  env?: Record<string, string>;
  /**
   * How an instance finds the roles it does not run: `address` sets `cluster.<role>_address`
   * to `127.0.0.1:<port>` of an instance that runs it; `dns` sets it to a domain whose
   * `_ttn-v3-<role>-grpc._tcp` SRV records a DNS responder on 127.0.0.1 answers.
   */
  peers?: "address" | "dns";
  /** The DNS domain of `peers: "dns"`. */
  domain?: string;
  /**
   * Fills the shared database (`dataDir`: the first instance's, `env`: the instances' shared
   * environment) instead of `is-db init` and an admin user; returns the API key the helpers use.
   */
  provision?: (dataDir: string, env: Record<string, string>) => Promise<string>;
  /** PostgreSQL's options (durable for benchmarks of writes). */
  postgres?: StartPostgresOptions;
  /** Milliseconds each instance has to become ready. */
  startTimeoutMs?: number;
}

/** A running instance. */
export interface ClusterInstance extends LorastackProcess {
  name: string;
  components: readonly string[];
  /** `127.0.0.1:<port>` of its gRPC listener, where peers reach it. */
  grpcAddress: string;
  /** False once killed or stopped. */
  readonly alive: boolean;
}

export interface TestCluster {
  postgres: TestPostgres;
  redis: TestRedis;
  /** The shared database's URI. */
  databaseUri: string;
  /** The DNS responder (`peers: "dns"`). */
  dns?: DnsServer;
  /** The cluster key every instance shares. */
  clusterKey: string;
  /** An API key of the admin user. */
  adminKey: string;
  instances: ClusterInstance[];
  /** The instance named `name`. */
  instance(name: string): ClusterInstance;
  /** The instances still running. */
  alive(): ClusterInstance[];
  /** kill -9: the process ends at once, its connections drop, nothing is flushed. */
  kill(name: string): Promise<void>;
  /** REST call of `/api/v3<path>` on an instance, with the admin key unless another is given. */
  rest(
    instance: ClusterInstance,
    method: string,
    path: string,
    options?: RestOptions,
  ): Promise<RestAnswer>;
  /** {@link rest} that must answer 200: its JSON. */
  restOk(instance: ClusterInstance, method: string, path: string, body?: unknown): Promise<Json>;
  /** Stops every instance (SIGINT), the DNS responder, Redis and PostgreSQL. */
  stop(): Promise<void>;
}

/** The cluster key of the tests' clusters (32 bytes, hex). */
export const testClusterKey = "5ca1ab1e".repeat(8);

/** The key encryption key every instance shares (AES-128, hex). */
const testKeyEncryptionKey = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

/** Starts PostgreSQL, Redis, the database's Identity Server tables and admin, and the instances. */
export async function startCluster(options: ClusterOptions): Promise<TestCluster> {
  const postgres = await startPostgres(options.postgres);
  let redis: TestRedis | undefined;
  let dns: DnsServer | undefined;
  const dataDirs: string[] = [];
  const instances: ClusterInstance[] = [];
  const stopAll = async () => {
    await Promise.all(instances.map((instance) => instance.stop().catch(() => {})));
    await dns?.close();
    await redis?.stop();
    await postgres.stop();
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  };
  try {
    redis = await startRedis();
    const databaseUri = await postgres.createDatabase();
    const shared: Record<string, string> = {
      LORASTACK_DATABASE_URI: databaseUri,
      LORASTACK_REDIS_URI: redis.uri,
      LORASTACK_CLUSTER_KEYS: testClusterKey,
      // Secrets at rest written by one instance are read by the others.
      LORASTACK_KEY_VAULT_KEYS: `cluster-test:${testKeyEncryptionKey}`,
      ...options.env,
    };
    for (const _ of options.instances)
      dataDirs.push(await mkdtemp(join(tmpdir(), "lorastack-cluster-")));
    const adminKey = options.provision
      ? await options.provision(dataDirs[0] as string, shared)
      : await initialize(dataDirs[0] as string, shared);

    // gRPC ports chosen before the start: peers' addresses and SRV records name them.
    const plans: { spec: InstanceSpec; port: number; components: readonly string[] }[] = [];
    for (const spec of options.instances) {
      const port = await freePort();
      plans.push({ spec, port, components: spec.components ?? allComponents });
    }
    const domain = options.domain ?? "lorastack.test";
    if (options.peers === "dns") {
      dns = await startDnsServer();
      for (const role of Object.keys(peerRoles) as PeerRole[]) {
        const serving = plans.filter((plan) => plan.components.includes(role));
        if (serving.length === 0) continue;
        dns.set(`_ttn-v3-${role}-grpc._tcp.${domain}`, {
          srv: serving.map((plan) => ({
            priority: 0,
            weight: 1,
            port: plan.port,
            target: `${plan.spec.name}.${domain}.`,
          })),
        });
      }
      for (const plan of plans) dns.set(`${plan.spec.name}.${domain}`, { a: ["127.0.0.1"] });
    }

    const peerEnv = (components: readonly string[]): Record<string, string> => {
      const env: Record<string, string> = {};
      for (const [role, { addressKey }] of Object.entries(peerRoles)) {
        if (components.includes(role)) continue;
        const serving = plans.find((plan) => plan.components.includes(role));
        if (!serving) continue;
        const name = `LORASTACK_CLUSTER_${addressKey.toUpperCase()}`;
        env[name] = options.peers === "dns" ? domain : `127.0.0.1:${serving.port}`;
      }
      if (dns) env.LORASTACK_CLUSTER_DNS_SERVERS = dns.address;
      return env;
    };

    const started = await Promise.all(
      plans.map(async ({ spec, port, components }, index) => {
        const grpcAddress = `127.0.0.1:${port}`;
        const process = await startLorastack({
          args: spec.components ? [...spec.components] : [],
          dataDir: dataDirs[index],
          timeoutMs: options.startTimeoutMs ?? 90_000,
          env: {
            ...shared,
            ...peerEnv(components),
            LORASTACK_CLUSTER_ID: spec.name,
            LORASTACK_GRPC_LISTEN: grpcAddress,
            LORASTACK_CLUSTER_ADDRESS: grpcAddress,
            ...spec.env,
          },
        });
        return asInstance(process, spec.name, components, grpcAddress);
      }),
    );
    instances.push(...started);
    const byName = (name: string) => {
      const found = instances.find((instance) => instance.name === name);
      if (!found) throw new Error(`no instance ${name} in the cluster`);
      return found;
    };
    return {
      postgres,
      redis,
      databaseUri,
      ...(dns ? { dns } : {}),
      clusterKey: testClusterKey,
      adminKey,
      instances,
      instance: byName,
      alive: () => instances.filter((instance) => instance.alive),
      async kill(name) {
        await byName(name).stop("SIGKILL");
      },
      rest: (instance, method, path, restOptions = {}) =>
        rest(instance.httpUrl, method, path, { key: adminKey, ...restOptions }),
      restOk: (instance, method, path, body) =>
        restOk(instance.httpUrl, method, path, { key: adminKey, body }),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function asInstance(
  process: LorastackProcess,
  name: string,
  components: readonly string[],
  grpcAddress: string,
): ClusterInstance {
  let alive = true;
  const stop = process.stop.bind(process);
  // Properties defined, not assigned: `alive` stays a getter.
  Object.defineProperties(process, {
    name: { value: name, enumerable: true },
    components: { value: components, enumerable: true },
    grpcAddress: { value: grpcAddress, enumerable: true },
    alive: {
      get: () => alive && process.child.exitCode === null && process.child.signalCode === null,
      enumerable: true,
    },
    stop: {
      value: (signal?: NodeJS.Signals) => {
        alive = false;
        return stop(signal);
      },
    },
  });
  return process as ClusterInstance;
}

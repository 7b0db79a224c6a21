import { existsSync, readdirSync } from "node:fs";
import { chmod, chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { skipOutsideCi } from "./ci.ts";
import { freePort } from "./free-port.ts";
import { run } from "./run.ts";

/** A throwaway PostgreSQL server in a temporary folder, on a random loopback port. */
export interface TestPostgres {
  /** URI of the server's `postgres` database. */
  uri: string;
  /** Creates a fresh empty database and returns its URI. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

/** The folder with initdb and pg_ctl of the newest installed PostgreSQL, if any. */
export function postgresBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((version) => existsSync(join(root, version, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : undefined;
}

/** Why PostgreSQL tests cannot run here, or `undefined` when they can. */
export function postgresSkipReason(): string | undefined {
  return skipOutsideCi(
    postgresBinDir()
      ? undefined
      : "PostgreSQL server binaries (initdb, pg_ctl) are not installed; .ci/run installs the postgresql package",
  );
}

// runuser lives in sbin, which a minimal PATH may lack.
const runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"].find(
  (path) => existsSync(path),
);

// initdb refuses to run as root: run the server as the postgres user when we are root.
async function asServerUser(
  bin: string,
  args: string[],
): Promise<{ code: number | null; stderr: string }> {
  if (process.getuid?.() !== 0) return run(bin, args);
  if (!runuser)
    throw new Error("running as root, but runuser is not there to start PostgreSQL as postgres");
  return run(runuser, ["-u", "postgres", "--", bin, ...args]);
}

let counter = 0;

export interface StartPostgresOptions {
  /**
   * Keep PostgreSQL's durability (fsync, synchronous_commit, full_page_writes on, as in
   * production) instead of turning it off for speed: for benchmarks of writes.
   */
  durable?: boolean;
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(postgresSkipReason());
  const dir = await mkdtemp(join(tmpdir(), "lorastack-pg-"));
  if (process.getuid?.() === 0) {
    const { uid, gid } = await postgresIds();
    await chown(dir, uid, gid);
  }
  await chmod(dir, 0o700);
  const data = join(dir, "data");
  const init = await asServerUser(join(bin, "initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "-A",
    "trust",
    "--no-sync",
    "-E",
    "UTF8",
    "--locale=C",
  ]);
  if (init.code !== 0) throw new Error(`initdb failed: ${init.stderr}`);

  let port = 0;
  for (let attempt = 0; attempt < 5; attempt++) {
    port = await freePort();
    const fast = options.durable
      ? ""
      : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
    const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${fast}`;
    const started = await asServerUser(join(bin, "pg_ctl"), [
      "-D",
      data,
      "-l",
      join(dir, "log"),
      "-o",
      serverOptions,
      "-w",
      "-t",
      "30",
      "start",
    ]);
    if (started.code === 0) break;
    if (attempt === 4) throw new Error(`pg_ctl start failed: ${started.stderr}`);
  }
  const uri = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    uri,
    async createDatabase(name = `test_${process.pid}_${++counter}`) {
      const client = new pg.Client({ connectionString: uri });
      await client.connect();
      try {
        await client.query(`create database "${name}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await asServerUser(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const uid = await run("id", ["-u", "postgres"]);
  const gid = await run("id", ["-g", "postgres"]);
  if (uid.code !== 0)
    throw new Error("running as root but there is no postgres user to run the server");
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

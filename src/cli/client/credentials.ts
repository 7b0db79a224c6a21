import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { errCredentialsFile } from "./errors.ts";

/**
 * What is stored for one server. `kind` says how `token` is used; an OAuth login (later) adds
 * `"oauth"` with its refresh token and expiry without changing the file's shape.
 */
export interface StoredCredential {
  kind: "api-key";
  token: string;
  /** Whose key it is, as the server said at login (`user admin`), for `login` to report. */
  owner?: string;
  /** RFC 3339 time of the login. */
  saved_at: string;
}

/** The credentials file: one entry per server URL. */
export interface CredentialsFile {
  version: 1;
  servers: Record<string, StoredCredential>;
}

/**
 * `$XDG_CONFIG_HOME/lorastack` or `~/.config/lorastack`: the folder of the CLI's own files,
 * taken from `env` so tests can point it elsewhere.
 */
export function configFolder(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "lorastack");
}

/** Where the credentials live. */
export function credentialsPath(env: NodeJS.ProcessEnv): string {
  return join(configFolder(env), "credentials.json");
}

/** The credentials store of one file; every write replaces the file atomically. */
export class CredentialsStore {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  /** The stored file; an empty one when there is none yet. */
  async read(): Promise<CredentialsFile> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, servers: {} };
      throw errCredentialsFile.create({ path: this.path, reason: (error as Error).message });
    }
    return parseCredentials(text, this.path);
  }

  async get(server: string): Promise<StoredCredential | undefined> {
    return (await this.read()).servers[server];
  }

  async set(server: string, credential: StoredCredential): Promise<void> {
    const file = await this.read();
    file.servers[server] = credential;
    await this.write(file);
  }

  /** Removes the server's entry; resolves whether there was one. */
  async remove(server: string): Promise<boolean> {
    const file = await this.read();
    if (!(server in file.servers)) return false;
    delete file.servers[server];
    await this.write(file);
    return true;
  }

  /**
   * Writes a temporary file beside the real one (mode 0600 from its creation, so the secret is
   * never readable by others, not even for a moment), syncs it and renames it over: a crash
   * leaves the old file or the new one, never half of one.
   */
  private async write(file: CredentialsFile): Promise<void> {
    const folder = dirname(this.path);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    // mkdir's mode applies only to a folder it creates (and is reduced by the umask).
    await chmod(folder, 0o700);
    const temporary = `${this.path}.${randomBytes(6).toString("hex")}.tmp`;
    const handle = await open(temporary, "wx", 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(file, null, 2)}\n`);
      await handle.chmod(0o600);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

/** Reads the file's JSON, refusing what is not ours rather than overwriting it. */
function parseCredentials(text: string, path: string): CredentialsFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw errCredentialsFile.create({ path, reason: (error as Error).message });
  }
  const servers = (parsed as { servers?: unknown } | null)?.servers;
  if (typeof servers !== "object" || servers === null || Array.isArray(servers))
    throw errCredentialsFile.create({ path, reason: "no `servers` object" });
  const valid: Record<string, StoredCredential> = {};
  for (const [server, entry] of Object.entries(servers)) {
    const credential = entry as Partial<StoredCredential> | null;
    // An entry of a kind this version does not know (or a broken one) is skipped, not fatal.
    if (credential?.kind === "api-key" && typeof credential.token === "string")
      valid[server] = credential as StoredCredential;
  }
  return { version: 1, servers: valid };
}

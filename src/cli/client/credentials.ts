import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { errCredentialsFile } from "./errors.ts";
import { withFileLock } from "./file-lock.ts";

/** An API key stored by `lorastack login --api-key`. */
export interface ApiKeyCredential {
  kind: "api-key";
  token: string;
  /** Whose key it is, as the server said at login (`user admin`), for `login` to report. */
  owner?: string;
  /** RFC 3339 time of the login. */
  saved_at: string;
}

/** The tokens of an OAuth login (`lorastack login` without `--api-key`). */
export interface OAuthCredential {
  kind: "oauth";
  /** The access token, sent as the bearer token. */
  token: string;
  refresh_token?: string;
  /** RFC 3339 time at which the access token expires; renewed shortly before. */
  expires_at?: string;
  /** The OAuth client the tokens were issued to (`cli`). */
  client_id: string;
  /** Where the tokens are renewed and revoked, as the OAuth server said at login. */
  token_endpoint: string;
  revocation_endpoint?: string;
  /** `user admin`. */
  owner?: string;
  saved_at: string;
}

/** What is stored for one server; `kind` says how `token` is used. */
export type StoredCredential = ApiKeyCredential | OAuthCredential;

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
    await this.update(server, async () => credential);
  }

  /** Removes the server's entry; resolves whether there was one. */
  async remove(server: string): Promise<boolean> {
    let existed = false;
    await this.update(server, async (current) => {
      existed = current !== undefined;
      return undefined;
    });
    return existed;
  }

  /**
   * Replaces the server's entry by what `change` makes of the stored one (`undefined`
   * removes it; the same object changes nothing), holding the file's lock from the read to
   * the write: CLI processes running side by side neither lose each other's writes nor renew
   * one OAuth login twice (a refresh token works once). Resolves the entry as stored.
   */
  async update(
    server: string,
    change: (current: StoredCredential | undefined) => Promise<StoredCredential | undefined>,
  ): Promise<StoredCredential | undefined> {
    await this.ensureFolder();
    return withFileLock(`${this.path}.lock`, async () => {
      const file = await this.read();
      const current = file.servers[server];
      const next = await change(current);
      if (next === current) return current;
      if (next === undefined) delete file.servers[server];
      else file.servers[server] = next;
      await this.write(file);
      return next;
    });
  }

  /** The folder, mode 0700 (mkdir's mode applies only to a folder it creates). */
  private async ensureFolder(): Promise<void> {
    const folder = dirname(this.path);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    await chmod(folder, 0o700);
  }

  /**
   * Writes a temporary file beside the real one (mode 0600 from its creation, so the secret is
   * never readable by others, not even for a moment), syncs it and renames it over: a crash
   * leaves the old file or the new one, never half of one.
   */
  private async write(file: CredentialsFile): Promise<void> {
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
    if (typeof entry !== "object" || entry === null) continue;
    const record = entry as Record<string, unknown>;
    // An entry of a kind this version does not know (or a broken one) is skipped, not fatal.
    const check = typeof record.kind === "string" ? validEntry[record.kind] : undefined;
    if (check?.(record)) valid[server] = record as unknown as StoredCredential;
  }
  return { version: 1, servers: valid };
}

const isString = (value: unknown) => typeof value === "string";
const isOptionalString = (value: unknown) => value === undefined || typeof value === "string";

/** Per kind, whether a stored entry has the fields the CLI uses. */
const validEntry: Record<string, (entry: Record<string, unknown>) => boolean> = {
  "api-key": (entry) => isString(entry.token),
  oauth: (entry) =>
    isString(entry.token) &&
    isString(entry.client_id) &&
    isString(entry.token_endpoint) &&
    isOptionalString(entry.refresh_token) &&
    isOptionalString(entry.expires_at) &&
    isOptionalString(entry.revocation_endpoint),
};

/**
 * An Identity Server database set up as the end-to-end tests need it: `is-db init`, an admin
 * user (`admin`, password `Correct-Horse1`) and an API key of the admin, made with the real
 * program's one-shot commands.
 */
import assert from "node:assert/strict";
import { runLorastack } from "./lorastack-process.ts";

/** The admin user's password. */
export const adminPassword = "Correct-Horse1";

/** Runs a one-shot command and returns its output; fails the test when it fails. */
export async function lorastackCommand(
  dataDir: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<string> {
  const result = await runLorastack(args, { dataDir, env });
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

/** The API key a `create-api-key` command printed (its last line). */
export function keyOf(output: string): string {
  return output.trim().split("\n").at(-1) as string;
}

/** Creates the admin user and an API key of it in a migrated database; returns the key. */
export async function createAdmin(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<string> {
  await lorastackCommand(
    dataDir,
    [
      ...["is-db", "create-admin-user", "--id", "admin", "--email", "admin@example.com"],
      ...["--password", adminPassword],
    ],
    env,
  );
  return keyOf(
    await lorastackCommand(dataDir, ["is-db", "create-api-key", "--user-id", "admin"], env),
  );
}

/** `is-db init`, then {@link createAdmin}; returns the admin's API key. */
export async function initialize(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<string> {
  await lorastackCommand(dataDir, ["is-db", "init"], env);
  return createAdmin(dataDir, env);
}

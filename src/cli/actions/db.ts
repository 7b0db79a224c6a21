import type { Command } from "commander";
import {
  databaseLocation,
  ensureInstallationId,
  migrateToLatest,
  openDatabase,
} from "../../storage/index.ts";
import { loadCommandConfig } from "../config-options.ts";
import type { CommandIO } from "../io.ts";

/** `lorastack db migrate`. */
export async function migrate(command: Command, io: CommandIO): Promise<void> {
  const { config } = loadCommandConfig(command, io.env);
  const database = await openDatabase(databaseLocation(config.database.uri, config.data_dir));
  try {
    const report = await migrateToLatest(database.db, database.engine);
    const installation = await ensureInstallationId(database.db);
    io.stdout(`database: ${database.description}\ninstallation: ${installation}\n`);
    if (report.applied.length === 0) io.stdout("already up to date\n");
    for (const name of report.applied) io.stdout(`applied ${name}\n`);
    io.stdout(`schema: ${report.current.at(-1) ?? "(empty)"}\n`);
  } finally {
    await database.close();
  }
}

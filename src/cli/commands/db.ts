import type { Command } from "commander";
import type { CommandIO } from "../io.ts";
import { configOptionsWhenInvoked } from "../lazy.ts";

/** `lorastack db migrate`: brings the configured database to the current schema. */
export function registerDbCommand(program: Command, io: CommandIO): void {
  const db = program.command("db").description("database administration");
  configOptionsWhenInvoked(
    db
      .command("migrate")
      .description("apply the database migrations this version has and the database lacks")
      .addHelpText(
        "after",
        "\nExample:\n  $ LORASTACK_DATABASE_URI=postgres://lorastack@db/lorastack lorastack db migrate\n",
      ),
  ).action(async (_options: unknown, command: Command) => {
    const { migrate } = await import("../actions/db.ts");
    await migrate(command, io);
  });
}

import { Command, CommanderError } from "commander";
import { DefinedError } from "../errors/index.ts";
import { lorastackVersion } from "../runtime/version.ts";
import { registerCompletionCommand } from "./commands/completion.ts";
import { registerConfigCommand } from "./commands/config.ts";
import { registerDbCommand } from "./commands/db.ts";
import { registerDeviceCommands } from "./commands/devices.ts";
import { registerDownlinkCommands } from "./commands/downlinks.ts";
import { registerEntityCommands } from "./commands/entities.ts";
import { registerEventsCommand } from "./commands/events.ts";
import { registerGatewayTrafficCommands } from "./commands/gateway-traffic.ts";
import { registerIntegrationCommands } from "./commands/integrations.ts";
import { registerIsDbCommand } from "./commands/is-db.ts";
import { registerLoginCommands } from "./commands/login.ts";
import { registerSimulateCommand } from "./commands/simulate.ts";
import { registerStartCommand } from "./commands/start.ts";
import { registerVersionCommand } from "./commands/version.ts";
import { type CommandIO, processIO } from "./io.ts";
import { prepareInvoked } from "./lazy.ts";

/** Exit codes: 0 success, 1 failure at run time, 2 bad usage or configuration. */
export const exitCodes = { ok: 0, failure: 1, usage: 2 } as const;

/** Errors whose cause is what the operator gave us: exit code 2. */
const usageErrorNamespaces = new Set([
  "cli",
  "cli/traffic",
  "config",
  "components",
  "frequency-plans",
  "identity-server/ids",
  "identity-server/passwords",
  "identity-server/rights",
  "simulator/run",
]);

/**
 * Builds the `lorastack` program. Its commands load their code only when invoked (lazy.ts):
 * run it with {@link main}, which prepares the invoked command before parsing.
 */
export function buildProgram(io: CommandIO): Command {
  const program = new Command("lorastack")
    .description("lorastack: a LoRaWAN network stack")
    .version(lorastackVersion, "-v, --version")
    // The program's own options come before a command: `simulate --version 1.1` is the
    // command's flag, not the program's.
    .enablePositionalOptions()
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerStartCommand(program, io);
  registerConfigCommand(program, io);
  registerVersionCommand(program, io);
  registerDbCommand(program, io);
  registerIsDbCommand(program, io);
  registerSimulateCommand(program, io);
  registerLoginCommands(program, io);
  registerEntityCommands(program, io);
  registerDeviceCommands(program, io);
  registerDownlinkCommands(program, io);
  registerIntegrationCommands(program, io);
  registerGatewayTrafficCommands(program, io);
  registerEventsCommand(program, io);
  registerCompletionCommand(program, io);
  overrideExits(program);
  return program;
}

/**
 * `lorastack help applications create` as `lorastack applications create --help`: commander's
 * own help command reads one word only.
 */
function helpOfNested(argv: readonly string[]): readonly string[] {
  const [node, script, first, ...rest] = argv;
  const optionAt = rest.findIndex((word) => word.startsWith("-"));
  const words = optionAt === -1 ? rest : rest.slice(0, optionAt);
  if (first !== "help" || words.length < 2) return argv;
  return [node as string, script as string, ...words, "--help"];
}

/** Commander must throw instead of exiting, in every command of the tree. */
function overrideExits(command: Command): void {
  for (const child of command.commands) {
    child.exitOverride();
    overrideExits(child);
  }
}

/** Runs the program on `argv` (as in `process.argv`) and returns the exit code. */
export async function main(argv: readonly string[], io: CommandIO = processIO): Promise<number> {
  try {
    const program = buildProgram(io);
    const words = helpOfNested(argv);
    await prepareInvoked(program, words);
    await program.parseAsync(words);
    return exitCodes.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    if (error instanceof DefinedError) {
      io.stderr(`lorastack: ${error.message}\n`);
      return usageErrorNamespaces.has(error.definition.namespace)
        ? exitCodes.usage
        : exitCodes.failure;
    }
    io.stderr(`lorastack: ${(error as Error).stack ?? String(error)}\n`);
    return exitCodes.failure;
  }
}

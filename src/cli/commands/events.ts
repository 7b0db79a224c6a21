import type { Command } from "commander";
import type { CommandIO } from "../io.ts";
import { collect, exitCodesHelp, withClientOptions, withExamples } from "./client-options.ts";

type Flags = Record<string, unknown>;

const actions = () => import("../traffic/events-action.ts");

/**
 * `lorastack events` (and ttn-lw-cli's `events subscribe`): follows the events of entities
 * from the stream API (`POST /api/v3/events`), printing each as it comes.
 */
export function registerEventsCommand(program: Command, io: CommandIO): void {
  const events = withEventOptions(
    program
      .command("events")
      .description(
        "follow the events of applications, end devices, gateways, ...: one block per event on " +
          "a terminal, JSON lines otherwise (or with --json); Ctrl-C stops (exit 0), a lost " +
          "connection is exit 1 unless --reconnect",
      ),
  );
  events.action(async (flags: Flags) => (await actions()).followEvents(flags, io));
  withEventOptions(
    events.command("subscribe").description("the same as `lorastack events` (ttn-lw-cli's name)"),
  ).action(async (flags: Flags) => (await actions()).followEvents(flags, io));
}

function withEventOptions(command: Command): Command {
  return withExamples(
    withClientOptions(command)
      .option(
        "--application-id <id>",
        "an application's events, its devices' too (repeatable)",
        collect,
      )
      .option("--end-device-id <app/dev>", "an end device's events (repeatable)", collect)
      .option("--gateway-id <id>", "a gateway's events (repeatable)", collect)
      .option("--organization-id <id>", "an organization's events (repeatable)", collect)
      .option("--user-id <id>", "a user's events (repeatable)", collect)
      .option("--client-id <id>", "an OAuth client's events (repeatable)", collect)
      .option("--tail <n>", "start with up to n stored events of each entity")
      .option("--after <time>", "start with the stored events after this time (RFC 3339)")
      .option(
        "--names <name>",
        "only these events: names, globs (as.up.*) or /regular expressions/ (repeatable)",
        collect,
      )
      .option("--reconnect", "on a lost connection, connect again and go on after the last event")
      .addHelpText("after", exitCodesHelp),
    "lorastack events --application-id my-app --gateway-id my-gateway",
    "lorastack events --end-device-id my-app/my-device --names 'as.up.*' --tail 10 --json | jq .name",
  );
}

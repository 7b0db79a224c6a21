import type { Command } from "commander";
import type { CommandIO } from "../io.ts";
import { exitCodesHelp, withClientOptions, withExamples } from "./client-options.ts";
import { commandGroup } from "./groups.ts";

type Flags = Record<string, unknown>;

const actions = () => import("../traffic/gateway-actions.ts");

/**
 * `lorastack gateways connection-stats` (the Gateway Server's view of a connected gateway)
 * and `gateways global-conf` (the Gateway Configuration Server's `global_conf.json`).
 */
export function registerGatewayTrafficCommands(program: Command, io: CommandIO): void {
  const gateways = commandGroup(program, "gateways", ["gateway", "gtws", "gtw"], "manage gateways");

  withExamples(
    gatewayCommand(
      gateways,
      "connection-stats",
      "statistics of the gateway's connection: connected since, protocol, last uplink and status, " +
        "round trips; a gateway that is not connected is `not_connected` (exit 1)",
    ),
    "lorastack gateways connection-stats my-gateway --json",
  ).action(async (id: string | undefined, flags: Flags) =>
    (await actions()).connectionStats(id, flags, io),
  );

  withExamples(
    gatewayCommand(
      gateways,
      "global-conf",
      "the gateway's global_conf.json for the Semtech UDP packet forwarder, from its frequency plan",
    ).option("--output <file>", "write the file here instead of stdout"),
    "lorastack gateways global-conf my-gateway > global_conf.json",
    "lorastack gateways global-conf my-gateway --output /etc/lora/global_conf.json",
  ).action(async (id: string | undefined, flags: Flags) =>
    (await actions()).globalConf(id, flags, io),
  );
}

function gatewayCommand(parent: Command, name: string, description: string): Command {
  return withClientOptions(parent.command(name).description(description))
    .argument("[gateway-id]")
    .option("--gateway-id <id>", "the gateway's ID")
    .addHelpText("after", exitCodesHelp);
}

import type { Command } from "commander";
import { txSchedulePriorities } from "../../api/tx-schedule-priorities.ts";
import type { CommandIO } from "../io.ts";
import { collect, exitCodesHelp, withClientOptions, withExamples } from "./client-options.ts";
import { commandGroup } from "./groups.ts";

type Flags = Record<string, unknown>;

const actions = () => import("../traffic/downlink-actions.ts");

/**
 * `lorastack end-devices downlink push|replace|list|clear` and `end-devices simulate-uplink`:
 * an end device's application downlink queue and simulated uplinks, on the Application
 * Server (`/as/applications/{app}/devices/{dev}/...`), with ttn-lw-cli's flags.
 */
export function registerDownlinkCommands(program: Command, io: CommandIO): void {
  const devices = commandGroup(
    program,
    "end-devices",
    ["devices", "dev"],
    "manage end devices: create, get, list, update, delete, downlink, simulate-uplink, ...",
  );
  const downlink = devices
    .command("downlink")
    .description("an end device's application downlink queue: push, replace, list, clear");

  for (const verb of ["push", "replace"] as const) {
    withExamples(
      withDownlinkOptions(
        deviceCommand(
          downlink,
          verb,
          verb === "push"
            ? "add a downlink at the end of the device's queue"
            : "replace the device's queue with this downlink",
        ),
      ),
      `lorastack end-devices downlink ${verb} my-app my-device --f-port 15 --frm-payload 01020304 --priority NORMAL`,
      `lorastack end-devices downlink ${verb} my-app my-device --f-port 15 --decoded-payload '{"led": true}' --confirmed`,
    ).action(async (app: string | undefined, dev: string | undefined, flags: Flags) =>
      (await actions()).queueDownlink(verb, app, dev, flags, io),
    );
  }

  withExamples(
    deviceCommand(downlink, "list", "the device's queue, in order, decrypted"),
    "lorastack end-devices downlink list my-app my-device --json",
  ).action(async (app: string | undefined, dev: string | undefined, flags: Flags) =>
    (await actions()).listDownlinks(app, dev, flags, io),
  );

  withExamples(
    deviceCommand(downlink, "clear", "empty the device's queue"),
    "lorastack end-devices downlink clear my-app my-device",
  ).action(async (app: string | undefined, dev: string | undefined, flags: Flags) =>
    (await actions()).clearDownlinks(app, dev, flags, io),
  );

  withExamples(
    deviceCommand(
      devices,
      "simulate-uplink",
      "send an uplink to the device's integrations as if the device sent it (simulated: true)",
    )
      .option("--f-port <n>", "FPort, 1 to 255")
      .option("--f-cnt <n>", "frame counter to report")
      .option("--frm-payload <hex>", "the application payload in plain text, hex")
      .option("--decoded-payload <json>", "the decoded payload, a JSON object")
      .option("--confirmed", "report a confirmed uplink"),
    "lorastack end-devices simulate-uplink my-app my-device --f-port 1 --frm-payload 0102",
    `lorastack end-devices simulate-uplink my-app my-device --f-port 1 --decoded-payload '{"temperature": 21.5}'`,
  ).action(async (app: string | undefined, dev: string | undefined, flags: Flags) =>
    (await actions()).simulateUplink(app, dev, flags, io),
  );
}

/** A client command with `[application-id] [device-id]` and their flags. */
function deviceCommand(parent: Command, name: string, description: string): Command {
  return withClientOptions(parent.command(name).description(description))
    .argument("[application-id]")
    .argument("[device-id]")
    .option("--application-id <id>", "the application's ID")
    .option("--device-id <id>", "the end device's ID")
    .addHelpText("after", exitCodesHelp);
}

function withDownlinkOptions(command: Command): Command {
  return command
    .option("--f-port <n>", "FPort, 1 to 255")
    .option("--frm-payload <hex>", "the payload in plain text, hex (the server encrypts it)")
    .option(
      "--decoded-payload <json>",
      "the payload as a JSON object, for the device's or application's encoder",
    )
    .option("--confirmed", "ask the device to acknowledge it")
    .option("--priority <priority>", `scheduling priority: ${txSchedulePriorities.join(", ")}`)
    .option(
      "--class-b-c.gateways <gateway-id[:antenna]>",
      "class B/C: transmit through this gateway (repeatable, or comma-separated)",
      collect,
    )
    .option("--class-b-c.absolute-time <time>", "class B/C: transmit at this time (RFC 3339)")
    .option("--confirmed-retry.max-attempts <n>", "class B/C: how often to retry a confirmed one")
    .option(
      "--correlation-ids <id>",
      "correlation IDs to carry (repeatable, or comma-separated)",
      collect,
    );
}

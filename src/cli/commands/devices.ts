import { type Command, Option } from "commander";
import type { CommandIO } from "../io.ts";
import { prepareWhenInvoked } from "../lazy.ts";
import { exitCodesHelp, withClientOptions, withExamples } from "./client-options.ts";
import { commandGroup } from "./groups.ts";

/** What a device action receives: the parsed flags. */
type Flags = Record<string, unknown>;

const actions = () => import("../actions/devices.ts");
const importActions = () => import("../actions/devices-import.ts");

/**
 * `lorastack end-devices` (`devices`, `dev`): create, get, list, update, delete across the
 * Identity, Join, Network and Application Servers, and import from CSV or JSON. Registration
 * only declares: the field flags come from the device tables, added when the command is
 * invoked (lazy.ts), and each action imports its implementation.
 */
export function registerDeviceCommands(program: Command, io: CommandIO): void {
  const group = commandGroup(
    program,
    "end-devices",
    ["devices", "dev"],
    "manage end devices: create, get, list, update, delete, import, downlink, simulate-uplink",
  );
  const ids = "[application-id] [device-id]";
  const example = "lorastack end-devices";

  withExamples(
    leaf(
      group,
      "create",
      "create an end device in all four registries (rolled back on failure)",
      ids,
    )
      .alias("add")
      .addOption(new Option("--abp", "an ABP device (no join; give or generate a session)"))
      .addOption(new Option("--otaa", "an OTAA device (the default)"))
      .addOption(new Option("--app-eui <eui>", "ttn-lw-cli's other name of --join-eui").hideHelp())
      .addOption(new Option("--with-root-keys", "generate the OTAA root keys not given"))
      .addOption(
        new Option(
          "--with-session",
          "generate an ABP session: a DevAddr from the Network Server, keys",
        ),
      )
      .addOption(
        new Option(
          "--no-defaults",
          "leave out the server addresses and the Join Server's default JoinEUI",
        ),
      )
      .addOption(
        new Option(
          "--request-dev-eui",
          "have the Identity Server issue the DevEUI (dev_eui_block)",
        ),
      ),
    `${example} create my-app my-sensor --dev-eui 70B3D57ED0000001 --join-eui 70B3D57ED0000000 --frequency-plan-id EU_863_870_TTN --lorawan-version 1.0.3 --lorawan-phy-version 1.0.3-a --with-root-keys`,
    `${example} create my-app my-abp --abp --with-session --dev-eui 70B3D57ED0000002 --frequency-plan-id EU_863_870_TTN --lorawan-version MAC_V1_0_3 --lorawan-phy-version PHY_V1_0_3_REV_A`,
  ).action(async (app: string | undefined, dev: string | undefined, flags: Flags) => {
    if (flags.appEui !== undefined) flags.joinEui ??= flags.appEui;
    return (await actions()).createEndDevice([app, dev], flags, io);
  });
  addSetters(group.commands.at(-1) as Command, "create");

  withExamples(
    withSelectors(
      leaf(
        group,
        "get",
        "get an end device, merged from the registries holding the fields asked",
        ids,
      ),
      "get",
    )
      .addOption(new Option("--with-root-keys", "select the root keys"))
      .addOption(new Option("--with-session", "select the session with its keys")),
    `${example} get my-app my-sensor --all --with-root-keys --with-session --json`,
    `${example} get my-app my-sensor --frequency-plan-id --mac-settings`,
  ).action(async (app: string | undefined, dev: string | undefined, flags: Flags) =>
    (await actions()).getEndDevice([app, dev], flags, io),
  );

  withExamples(
    withSelectors(
      leaf(group, "list", "list an application's end devices", "[application-id]"),
      "list",
    )
      .addOption(new Option("--limit <n>", "entries per page (at most 1000)"))
      .addOption(new Option("--page <n>", "page, from 1"))
      .addOption(new Option("--order <field>", "sort by a field, `-` first for descending")),
    `${example} list my-app --name --limit 20`,
  ).action(async (app: string | undefined, flags: Flags) =>
    (await actions()).listEndDevices([app], flags, io),
  );

  withExamples(
    leaf(
      group,
      "update",
      "change fields of an end device, each in the registry that keeps it",
      ids,
    ).alias("set"),
    `${example} update my-app my-sensor --supports-class-c --name "Sensor 1"`,
  ).action(async (app: string | undefined, dev: string | undefined, flags: Flags) =>
    (await actions()).updateEndDevice([app, dev], flags, io),
  );
  addSetters(group.commands.at(-1) as Command, "update");

  withExamples(
    leaf(group, "delete", "delete an end device from the AS, NS, JS and IS", ids),
    `${example} delete my-app my-sensor`,
  ).action(async (app: string | undefined, dev: string | undefined, flags: Flags) =>
    (await actions()).deleteEndDevice([app, dev], flags, io),
  );

  withExamples(
    withClientOptions(
      group
        .command("import")
        .description(
          "create end devices from a file (or stdin): The Things Stack's end device JSON " +
            "(lines or an array) or the Console's CSV",
        )
        .argument("[file]", "the file; stdin when none or -"),
    )
      .addHelpText("after", exitCodesHelp)
      .addOption(new Option("--application-id <id>", "the application of records without one"))
      .addOption(new Option("--frequency-plan-id <id>", "for records without one"))
      .addOption(new Option("--lorawan-version <version>", "for records without one"))
      .addOption(new Option("--lorawan-phy-version <version>", "for records without one"))
      .addOption(new Option("--dry-run", "read and check the file, create nothing")),
    `${example} import devices.csv --application-id my-app --frequency-plan-id EU_863_870_TTN`,
    `${example} get my-app my-sensor --all --with-root-keys --with-session --json | ${example} import -`,
  ).action(async (file: string | undefined, flags: Flags) =>
    (await importActions()).importEndDevices(file, flags, io),
  );
}

/** A client command with the device's IDs as arguments and flags. */
function leaf(parent: Command, name: string, description: string, args: string): Command {
  const command = withClientOptions(parent.command(name).description(description));
  command.addHelpText("after", exitCodesHelp);
  command.arguments(args);
  command.addOption(new Option("--application-id <id>", "the application's ID"));
  if (args.includes("device-id"))
    command.addOption(new Option("--device-id <id>", "the device's ID"));
  return command;
}

/** The setter flags of the device flag table, added when the command is invoked. */
function addSetters(command: Command, verb: "create" | "update"): void {
  prepareWhenInvoked(command, async (invoked) => {
    const { addSetterOptions } = await import("../devices/options.ts");
    addSetterOptions(invoked, verb);
  });
}

/** `--all` and one `--<field>` per selectable field, added when the command is invoked. */
function withSelectors(command: Command, scope: "get" | "list"): Command {
  command.addOption(new Option("--all", "select all fields (keys only with their own flags)"));
  return prepareWhenInvoked(command, async (invoked) => {
    const { addSelectorOptions } = await import("../devices/options.ts");
    addSelectorOptions(invoked, scope);
  });
}

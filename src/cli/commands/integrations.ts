import { type Command, Option } from "commander";
import {
  flagOf,
  type IntegrationKind,
  type IntegrationSetter,
  integrationKinds,
} from "../integrations.ts";
import type { CommandIO } from "../io.ts";
import { collect, exitCodesHelp, withClientOptions, withExamples } from "./client-options.ts";
import { commandGroup } from "./groups.ts";

type Flags = Record<string, unknown>;

const actions = () => import("../traffic/integration-actions.ts");

/**
 * `lorastack applications webhooks|pubsubs get|list|set|delete|formats`, generated from the
 * integrations table (traffic/integrations.ts), with ttn-lw-cli's flag names.
 */
export function registerIntegrationCommands(program: Command, io: CommandIO): void {
  const applications = commandGroup(
    program,
    "applications",
    ["application", "apps", "app"],
    "manage applications",
  );
  for (const kind of integrationKinds) registerKind(applications, kind, io);
}

function registerKind(applications: Command, kind: IntegrationKind, io: CommandIO): void {
  const group = applications
    .command(kind.command)
    .description(`manage an application's ${kind.noun}s: get, list, set, delete, formats`);
  const example = `lorastack applications ${kind.command}`;

  withExamples(
    withSelectors(
      leaf(group, "get", `get ${a(kind.noun)}; select fields with --all or --<field>`, kind, true),
      kind,
    ),
    `${example} get my-app ${kind.exampleId} --all`,
  ).action(async (app: string | undefined, id: string | undefined, flags: Flags) =>
    (await actions()).getIntegration(kind, app, id, flags, io),
  );

  withExamples(
    withSelectors(leaf(group, "list", `list the application's ${kind.noun}s`, kind, false), kind),
    `${example} list my-app --all --json`,
  ).action(async (app: string | undefined, flags: Flags) =>
    (await actions()).listIntegrations(kind, app, flags, io),
  );

  const set = leaf(
    group,
    "set",
    `create ${a(kind.noun)} or change the given fields of one`,
    kind,
    true,
  );
  for (const setter of kind.setters)
    for (const option of setterOptions(setter)) set.addOption(option);
  withExamples(set, `${example} set my-app ${kind.exampleId} ${kind.setExample}`).action(
    async (app: string | undefined, id: string | undefined, flags: Flags) =>
      (await actions()).setIntegration(kind, app, id, flags, io),
  );

  withExamples(
    leaf(group, "delete", `delete ${a(kind.noun)}`, kind, true),
    `${example} delete my-app ${kind.exampleId}`,
  ).action(async (app: string | undefined, id: string | undefined, flags: Flags) =>
    (await actions()).deleteIntegration(kind, app, id, flags, io),
  );

  withExamples(
    withClientOptions(
      group.command("formats").description(`the message formats the server offers ${kind.noun}s`),
    ).addHelpText("after", exitCodesHelp),
    `${example} formats`,
  ).action(async (flags: Flags) => (await actions()).integrationFormats(kind, flags, io));
}

/** A client command with `[application-id]` (and `[<kind>-id]`) and their flags. */
function leaf(
  parent: Command,
  name: string,
  description: string,
  kind: IntegrationKind,
  withId: boolean,
): Command {
  const command = withClientOptions(parent.command(name).description(description))
    .argument("[application-id]")
    .option("--application-id <id>", "the application's ID")
    .addHelpText("after", exitCodesHelp);
  if (!withId) return command;
  return command
    .argument(`[${kind.idFlag}]`)
    .option(`--${kind.idFlag} <id>`, `the ${kind.noun}'s ID`);
}

/** `--all` and one `--<field>` per field, as ttn-lw-cli selects field masks. */
function withSelectors(command: Command, kind: IntegrationKind): Command {
  command.option("--all", `select all ${kind.noun} fields`);
  for (const field of kind.fields)
    command.option(`--${flagOf(field)}`, `select the ${field} field`);
  return command;
}

function setterOptions(setter: IntegrationSetter): Option[] {
  switch (setter.type) {
    case "boolean":
      return [
        new Option(`--${setter.flag}`, setter.description),
        new Option(`--no-${setter.flag}`, `the opposite of --${setter.flag}`),
      ];
    case "map":
    case "list":
      return [new Option(`--${setter.flag} <value>`, setter.description).argParser(collect)];
    default:
      return [new Option(`--${setter.flag} <value>`, setter.description)];
  }
}

/** `a webhook`, `a pub/sub`. */
function a(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun}`;
}

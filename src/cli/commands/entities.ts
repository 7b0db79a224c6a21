import { type Command, Option } from "commander";
import { type EntityKind, entityKinds, flagOfField, idFlag, type Setter } from "../entities.ts";
import type { CommandIO } from "../io.ts";
import { prepareWhenInvoked } from "../lazy.ts";
import { collect, exitCodesHelp, withClientOptions, withExamples } from "./client-options.ts";

/** What an entity action receives: the positional arguments and the parsed flags. */
export type Flags = Record<string, unknown>;

/**
 * `lorastack users|organizations|applications|gateways ...`: create, get, list, update,
 * delete, restore, purge, `api-keys ...` and `collaborators ...`, generated from the entity
 * table (entities.ts). Registration only declares; rights flags, which need the rights table,
 * are added when the command is invoked, and each action imports its implementation.
 */
export function registerEntityCommands(program: Command, io: CommandIO): void {
  for (const kind of entityKinds) registerKind(program, kind, io);
}

const actions = () => import("../actions/entities.ts");
const keyActions = () => import("../actions/api-keys.ts");
const collaboratorActions = () => import("../actions/collaborators.ts");

function registerKind(program: Command, kind: EntityKind, io: CommandIO): void {
  const plural = `${kind.kind}s`;
  const group = program
    .command(kind.command)
    .aliases(kind.aliases)
    .description(`manage ${plural}: create, get, list, update, delete, api-keys, ...`);
  const id = `[${idFlag(kind)}]`;
  const example = `lorastack ${kind.command}`;
  const ownerExample = kind.owners.length > 0 ? ` --${kind.owners[0]}-id admin` : "";

  withOptions(leaf(group, "create", `create ${a(kind.kind)}`, kind, id), [
    ...ownerOptions(kind, `the ${kind.kind}'s owner`),
    ...setterOptions(kind, "create"),
  ])
    .addHelpText("after", createExample(kind, ownerExample))
    .action(async (argument: string | undefined, flags: Flags) =>
      (await actions()).createEntity(kind, argument, flags, io),
    );

  withExamples(
    withOptions(
      leaf(group, "get", `get ${a(kind.kind)}; select fields with --all or --<field>`, kind, id),
      selectorOptions(kind),
    ),
    `${example} get ${kind.exampleId} --name --description`,
    `${example} get ${kind.exampleId} --all --json`,
  ).action(async (argument: string | undefined, flags: Flags) =>
    (await actions()).getEntity(kind, argument, flags, io),
  );

  withExamples(
    withOptions(leaf(group, "list", `list ${plural}`, kind, undefined), [
      ...ownerOptions(kind, `list the ${plural} of this user or organization`),
      ...pagingOptions(),
      new Option("--order <field>", "sort by a field, `-` first for descending (-created_at)"),
      new Option("--deleted", `list deleted ${plural} (restorable) instead`),
      ...selectorOptions(kind),
    ]),
    `${example} list${ownerExample} --name --limit 20`,
  ).action(async (flags: Flags) => (await actions()).listEntities(kind, flags, io));

  withExamples(
    withOptions(
      leaf(
        group,
        "update",
        `change fields of ${a(kind.kind)} (--attributes replaces all)`,
        kind,
        id,
      ),
      setterOptions(kind, "update"),
    ).alias("set"),
    `${example} update ${kind.exampleId} --name "New name" --attributes site=north`,
  ).action(async (argument: string | undefined, flags: Flags) =>
    (await actions()).updateEntity(kind, argument, flags, io),
  );

  const lifecycle = [
    ["delete", `delete ${a(kind.kind)} (restore undoes it, for a while)`],
    ["restore", `restore a deleted ${kind.kind}`],
    ["purge", `remove ${a(kind.kind)} for good and free its ID (admins)`],
  ] as const;
  for (const [verb, description] of lifecycle) {
    withExamples(
      leaf(group, verb, description, kind, id),
      `${example} ${verb} ${kind.exampleId}`,
    ).action(async (argument: string | undefined, flags: Flags) =>
      (await actions()).lifecycleEntity(kind, verb, argument, flags, io),
    );
  }

  registerApiKeys(group, kind, io);
  if (kind.collaborators.length > 0) registerCollaborators(group, kind, io);
}

function registerApiKeys(group: Command, kind: EntityKind, io: CommandIO): void {
  const keys = group.command("api-keys").description(`manage API keys of ${a(kind.kind)}`);
  const id = `[${idFlag(kind)}]`;
  const example = `lorastack ${kind.command} api-keys`;
  const right = `--right-${kind.kind === "user" ? "user" : kind.kind}-all`;
  const keyIdOption = () => new Option("--api-key-id <id>", "the API key's ID");

  withRights(
    withExamples(
      withOptions(
        leaf(keys, "create", "create an API key; the key is printed once, store it", kind, id),
        expiryOptions(),
      ).option("--name <name>", "name of the key"),
      `${example} create ${kind.exampleId} --name ci ${right}`,
    ),
    kind,
  ).action(async (argument: string | undefined, flags: Flags) =>
    (await keyActions()).createApiKey(kind, argument, flags, io),
  );

  withExamples(
    withOptions(leaf(keys, "list", "list API keys", kind, id), pagingOptions()),
    `${example} list ${kind.exampleId}`,
  ).action(async (argument: string | undefined, flags: Flags) =>
    (await keyActions()).listApiKeys(kind, argument, flags, io),
  );

  withExamples(
    leaf(keys, "get", "get an API key (without its secret)", kind, id)
      .argument("[api-key-id]")
      .addOption(keyIdOption()),
    `${example} get ${kind.exampleId} ZTZ4QV6ESBUV`,
  ).action(async (argument: string | undefined, keyId: string | undefined, flags: Flags) =>
    (await keyActions()).getApiKey(kind, argument, keyId, flags, io),
  );

  withRights(
    withExamples(
      withOptions(leaf(keys, "update", "change an API key's name, rights or expiry", kind, id), [
        keyIdOption(),
        new Option("--name <name>", "name of the key"),
        ...expiryOptions(),
      ])
        .alias("set")
        .argument("[api-key-id]"),
      `${example} update ${kind.exampleId} ZTZ4QV6ESBUV ${right}`,
    ),
    kind,
  ).action(async (argument: string | undefined, keyId: string | undefined, flags: Flags) =>
    (await keyActions()).updateApiKey(kind, argument, keyId, flags, io),
  );

  withExamples(
    leaf(keys, "delete", "delete an API key", kind, id)
      .argument("[api-key-id]")
      .addOption(keyIdOption()),
    `${example} delete ${kind.exampleId} ZTZ4QV6ESBUV`,
  ).action(async (argument: string | undefined, keyId: string | undefined, flags: Flags) =>
    (await keyActions()).deleteApiKey(kind, argument, keyId, flags, io),
  );
}

function registerCollaborators(group: Command, kind: EntityKind, io: CommandIO): void {
  const collaborators = group
    .command("collaborators")
    .description(`manage collaborators of ${a(kind.kind)}`);
  const id = `[${idFlag(kind)}]`;
  const example = `lorastack ${kind.command} collaborators`;
  const who = () => ownerOptions({ ...kind, owners: kind.collaborators }, "the collaborator");

  withRights(
    withExamples(
      withOptions(
        leaf(
          collaborators,
          "set",
          "give a user or organization rights (replacing theirs)",
          kind,
          id,
        ),
        who(),
      ),
      `${example} set ${kind.exampleId} --user-id bob --right-${kind.kind}-all`,
    ),
    kind,
  ).action(async (argument: string | undefined, flags: Flags) =>
    (await collaboratorActions()).setCollaborator(kind, argument, flags, io),
  );

  withExamples(
    withOptions(leaf(collaborators, "get", "the rights of one collaborator", kind, id), who()),
    `${example} get ${kind.exampleId} --user-id bob`,
  ).action(async (argument: string | undefined, flags: Flags) =>
    (await collaboratorActions()).getCollaborator(kind, argument, flags, io),
  );

  withExamples(
    withOptions(leaf(collaborators, "list", "list collaborators", kind, id), pagingOptions()),
    `${example} list ${kind.exampleId}`,
  ).action(async (argument: string | undefined, flags: Flags) =>
    (await collaboratorActions()).listCollaborators(kind, argument, flags, io),
  );

  withExamples(
    withOptions(leaf(collaborators, "delete", "remove a collaborator", kind, id), who()),
    `${example} delete ${kind.exampleId} --user-id bob`,
  ).action(async (argument: string | undefined, flags: Flags) =>
    (await collaboratorActions()).deleteCollaborator(kind, argument, flags, io),
  );
}

/** A client command with the entity's ID as optional argument and flag. */
function leaf(
  parent: Command,
  name: string,
  description: string,
  kind: EntityKind,
  idArgument: string | undefined,
): Command {
  const command = withClientOptions(parent.command(name).description(description));
  command.addHelpText("after", exitCodesHelp);
  if (idArgument === undefined) return command;
  return command
    .argument(idArgument)
    .addOption(new Option(`--${idFlag(kind)} <id>`, `the ${kind.kind}'s ID`));
}

/** Rights flags come from the rights table, so they are added only when invoked. */
function withRights(command: Command, kind: EntityKind): Command {
  return prepareWhenInvoked(command, async (invoked) => {
    const { addRightsOptions } = await import("../rights-options.ts");
    addRightsOptions(invoked, kind.kind);
  });
}

function ownerOptions(kind: Pick<EntityKind, "owners">, what: string): Option[] {
  return kind.owners.map((owner) => new Option(`--${owner}-id <id>`, `${what}: ${a(owner)}`));
}

function pagingOptions(): Option[] {
  return [
    new Option("--limit <n>", "entries per page (at most 1000; the server's default is 100)"),
    new Option("--page <n>", "page, from 1"),
  ];
}

/** `--expires-at`, and ttn-lw-cli's name for it, hidden. */
function expiryOptions(): Option[] {
  return [
    new Option("--expires-at <time>", "expiry time (RFC 3339)").conflicts("apiKeyExpiry"),
    new Option("--api-key-expiry <time>").hideHelp(),
  ];
}

function withOptions(command: Command, options: readonly Option[]): Command {
  for (const option of options) command.addOption(option);
  return command;
}

/** `--all` and one `--<field>` per selectable field, as ttn-lw-cli selects field masks. */
function selectorOptions(kind: EntityKind): Option[] {
  return [
    new Option("--all", `select all ${kind.kind} fields (secrets only one by one)`),
    ...[...kind.fields, ...kind.secretFields].map(
      (field) => new Option(`--${flagOfField(field)}`, `select the ${field} field`),
    ),
  ];
}

/** The create or update flags of each settable field (booleans get `--no-<flag>` too). */
function setterOptions(kind: EntityKind, verb: "create" | "update"): Option[] {
  return kind.setters
    .filter((setter) => verb === "create" || !setter.createOnly)
    .flatMap((setter) => setterOption(setter));
}

function setterOption(setter: Setter): Option[] {
  switch (setter.type) {
    case "boolean":
      return [
        new Option(`--${setter.flag}`, setter.description),
        new Option(`--no-${setter.flag}`, `the opposite of --${setter.flag}`),
      ];
    case "list":
    case "attributes":
      return [new Option(`--${setter.flag} <value>`, setter.description).argParser(collect)];
    default:
      return [new Option(`--${setter.flag} <value>`, setter.description)];
  }
}

function createExample(kind: EntityKind, owner: string): string {
  const extra: Record<string, string> = {
    user: " --primary-email-address alice@example.com --password 'Correct-Horse1'",
    gateway: " --frequency-plan-id EU_863_870 --gateway-eui 00800000A00009EF",
  };
  return `\nExample:\n  $ lorastack ${kind.command} create ${kind.exampleId}${owner}${extra[kind.kind] ?? ""} --name "Example"\n`;
}

/** `a user`, `an application`. */
function a(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun}`;
}

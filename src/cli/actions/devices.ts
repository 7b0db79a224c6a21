import { checkedId, deviceOf, endDeviceIds, type Flags, paging } from "../arguments.ts";
import { authenticatedClient } from "../client/session.ts";
import { deviceFlags, readDeviceFlags, setField } from "../devices/device-flags.ts";
import { errActivation } from "../devices/errors.ts";
import { completeNewDevice, serverFacts } from "../devices/new-device.ts";
import {
  createDevice,
  deleteDevice,
  getDevice,
  registryNames,
  updateDevice,
} from "../devices/registry-calls.ts";
import { selectedPaths } from "../devices/selection.ts";
import { errMissingId, errNothingToUpdate } from "../errors.ts";
import type { CommandIO } from "../io.ts";
import { createPrinter } from "../output.ts";
import { listAndPrint } from "./show.ts";

/** Positional arguments of the device commands: `[application-id] [device-id]`. */
export type DeviceArguments = readonly (string | undefined)[];

/** `end-devices create`: in all four registries, rolled back on failure. */
export async function createEndDevice(
  positional: DeviceArguments,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const key = deviceOf(positional[0], positional[1], flags);
  if (flags.abp === true && flags.otaa === true)
    throw errActivation.create({ reason: "--abp and --otaa: choose one" });
  const change = readDeviceFlags(flags, "create");
  change.device.ids = { ...endDeviceIds(key), ...(change.device.ids as object | undefined) };
  const client = await authenticatedClient(flags, io.env);
  const printer = createPrinter(io, flags);
  if (flags.requestDevEui === true) {
    const app = encodeURIComponent(key.applicationId);
    const { json } = await client.call<{ dev_eui: string }>("POST", `/applications/${app}/dev-eui`);
    setField(change, "ids.dev_eui", json.dev_eui);
  }
  await completeNewDevice(
    change,
    {
      abp: flags.abp === true,
      defaults: flags.defaults !== false,
      withRootKeys: flags.withRootKeys === true,
      withSession: flags.withSession === true,
    },
    serverFacts(client),
    new URL(client.server).host,
  );
  const device = await createDevice(client, change.device, change.paths, (text) =>
    printer.note(text),
  );
  printer.entity(device);
}

/** `end-devices get`: the selected fields from each registry that keeps one, merged. */
export async function getEndDevice(
  positional: DeviceArguments,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const key = deviceOf(positional[0], positional[1], flags);
  const paths = selectedPaths(flags, "get");
  const client = await authenticatedClient(flags, io.env);
  const printer = createPrinter(io, flags);
  printer.entity(await getDevice(client, key, paths, (text) => printer.note(text)));
}

/** `end-devices list`: the application's devices from the Identity Server, paged. */
export async function listEndDevices(
  positional: DeviceArguments,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const given = positional[0] ?? (flags.applicationId as string | undefined);
  if (given === undefined)
    throw errMissingId.create({ field: "application_id", flag: "application-id" });
  const applicationId = checkedId("application_id", given);
  const paths = selectedPaths(flags, "list");
  const query = {
    field_mask: paths.length > 0 ? paths : undefined,
    ...paging(flags),
    order: flags.order as string | undefined,
  };
  await listAndPrint(
    flags,
    io,
    `/applications/${encodeURIComponent(applicationId)}/devices`,
    "end_devices",
    { query },
  );
}

/** `end-devices update`: each given field to the registry that keeps it. */
export async function updateEndDevice(
  positional: DeviceArguments,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const key = deviceOf(positional[0], positional[1], flags);
  const change = readDeviceFlags(flags, "update");
  if (change.paths.length === 0)
    throw errNothingToUpdate.create({
      flags: deviceFlags
        .filter((entry) => !entry.createOnly)
        .map((entry) => `--${entry.flag}`)
        .join(", "),
    });
  change.device.ids = endDeviceIds(key);
  const client = await authenticatedClient(flags, io.env);
  createPrinter(io, flags).entity(await updateDevice(client, change.device, change.paths));
}

/** `end-devices delete`: from the AS, NS, JS and IS, past registries that do not have it. */
export async function deleteEndDevice(
  positional: DeviceArguments,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const key = deviceOf(positional[0], positional[1], flags);
  const client = await authenticatedClient(flags, io.env);
  const absent = await deleteDevice(client, key);
  const printer = createPrinter(io, flags);
  for (const registry of absent)
    printer.note(`${key.deviceId} was not in the ${registryNames[registry]}`);
  printer.note(`deleted end device ${key.deviceId}`);
}

import { readFile } from "node:fs/promises";
import { DEVICE_VERSIONS, type DeviceVersion } from "../../simulator/device/index.ts";
import { type ListedDevice, readDeviceList } from "../../simulator/run/device-list.ts";
import { errBadDeviceList, errBadFlag } from "../../simulator/run/errors.ts";
import type { SimulationOptions } from "../../simulator/run/options.ts";
import { reportTable } from "../../simulator/run/report.ts";
import { runSimulation } from "../../simulator/run/run.ts";
import type { CommandIO } from "../io.ts";

const integer = (flags: Record<string, unknown>, name: string, min: number, max: number) => {
  const text = String(flags[name]);
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max)
    throw errBadFlag.create({
      flag: flagName(name),
      reason: `must be a whole number from ${min} to ${max}, not "${text}"`,
    });
  return value;
};

const decimal = (flags: Record<string, unknown>, name: string, min: number, max: number) => {
  const text = String(flags[name]);
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < min || value > max)
    throw errBadFlag.create({
      flag: flagName(name),
      reason: `must be a number from ${min} to ${max}, not "${text}"`,
    });
  return value;
};

const flagName = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function oneOf<T extends string>(
  flags: Record<string, unknown>,
  name: string,
  values: readonly T[],
): T {
  const value = String(flags[name]);
  if (!(values as readonly string[]).includes(value))
    throw errBadFlag.create({
      flag: flagName(name),
      reason: `must be one of ${values.join(", ")}, not "${value}"`,
    });
  return value as T;
}

/**
 * The run's options from the command's flags; a bad flag throws `bad_flag`. `deviceList`: the
 * devices of `--devices-file`, read by the caller.
 */
export function simulationOptions(
  flags: Record<string, unknown>,
  deviceList?: readonly ListedDevice[],
): SimulationOptions {
  const server = String(flags.server);
  const register = flags.register === true;
  if (register && deviceList)
    throw errBadFlag.create({
      flag: "devices-file",
      reason: "lists devices registered already: it does not go with --register",
    });
  const apiKey = typeof flags.apiKey === "string" ? flags.apiKey : "";
  const applicationId = typeof flags.applicationId === "string" ? flags.applicationId : "";
  if (register && (apiKey === "" || applicationId === ""))
    throw errBadFlag.create({
      flag: "register",
      reason: "needs --api-key (or LORASTACK_API_KEY) and --application-id",
    });
  return {
    server,
    udpAddress: typeof flags.udpAddress === "string" ? flags.udpAddress : `${server}:1700`,
    basicStationUrl:
      typeof flags.basicStationUrl === "string" ? flags.basicStationUrl : `ws://${server}:1887`,
    apiUrl: typeof flags.apiUrl === "string" ? flags.apiUrl : `http://${server}:1885`,
    gateways: integer(flags, "gateways", 1, 1000),
    gatewayProtocol: oneOf(flags, "gatewayProtocol", ["udp", "basic-station", "mixed"] as const),
    devices: integer(flags, "devices", 1, 1_000_000),
    rate: decimal(flags, "rate", 0.001, 100_000),
    durationS: decimal(flags, "duration", 0, 31 * 86_400),
    version: oneOf<DeviceVersion>(flags, "version", DEVICE_VERSIONS),
    deviceClass: oneOf(flags, "class", ["A", "C"] as const),
    activation: oneOf(flags, "activation", ["otaa", "abp"] as const),
    frequencyPlanId: String(flags.frequencyPlan),
    dataRate: integer(flags, "dataRate", 0, 15),
    confirmed: decimal(flags, "confirmed", 0, 1),
    idPrefix: String(flags.idPrefix),
    seed: integer(flags, "seed", 0, 2 ** 31),
    radiusM: decimal(flags, "radius", 1, 100_000),
    json: flags.json === true,
    ...(deviceList ? { deviceList } : {}),
    ...(register
      ? { register: { apiKey, applicationId, gatewayOwner: String(flags.gatewayOwner) } }
      : {}),
  };
}

/**
 * `lorastack simulate`: runs until the duration ends or Ctrl-C, then prints its report. A bad
 * flag throws `bad_flag` (exit code 2); a run that cannot start throws its error (exit code 1).
 */
export async function simulate(flags: Record<string, unknown>, io: CommandIO): Promise<void> {
  const file = typeof flags.devicesFile === "string" ? flags.devicesFile : undefined;
  const options = simulationOptions(flags, file === undefined ? undefined : await readList(file));
  const terminal = process.stderr.isTTY === true;
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const report = await runSimulation(
      options,
      {
        progress: (line) => io.stderr(terminal ? `\r\u001b[2K${line}` : `${line}\n`),
        info: (message) => io.stderr(`${terminal ? "\r\u001b[2K" : ""}${message}\n`),
      },
      stop.signal,
    );
    if (terminal) io.stderr("\n");
    io.stdout(options.json ? `${JSON.stringify(report)}\n` : reportTable(report));
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** The devices of a `--devices-file` (`-` reads standard input). */
async function readList(path: string): Promise<ListedDevice[]> {
  let text: string;
  try {
    text = path === "-" ? await readStdin() : await readFile(path, "utf8");
  } catch (error) {
    throw errBadDeviceList.create({ reason: `${path}: ${(error as Error).message}` });
  }
  return readDeviceList(text);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

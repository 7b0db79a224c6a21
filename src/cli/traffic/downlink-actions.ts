import { txSchedulePriorities } from "../../api/tx-schedule-priorities.ts";
import { callAndNote, listAndPrint } from "../actions/show.ts";
import {
  attributeOf,
  checkedId,
  deviceOf,
  endDeviceIds,
  type Flags,
  parseTimestamp,
} from "../arguments.ts";
import type { CommandIO } from "../io.ts";
import {
  devicePath,
  hexToBase64,
  parseChoice,
  parseFPort,
  parseJsonObject,
  parseWhole,
} from "./arguments.ts";
import { errNoPayload } from "./errors.ts";

/** The flag's value as commander stored it (`class-b-c.gateways` → `classBC.gateways`). */
function flag(flags: Flags, name: string): unknown {
  return flags[attributeOf(name)];
}

/** Repeated and comma-separated values as one list. */
function listOf(values: unknown): string[] {
  return ((values as string[] | undefined) ?? []).flatMap((value) =>
    value
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean),
  );
}

/** `gateway-id` or `gateway-id:antenna-index`, as ClassBCGatewayIdentifiers. */
function classBCGateway(value: string): Record<string, unknown> {
  const [id, antenna, ...rest] = value.split(":");
  const gateway: Record<string, unknown> = {
    gateway_ids: { gateway_id: checkedId("gateway_id", id ?? "") },
  };
  if (antenna !== undefined || rest.length > 0)
    gateway.antenna_index = parseWhole("class-b-c.gateways", antenna, 0, 255);
  return gateway;
}

/**
 * The ApplicationDownlink of the flags, in The Things Stack's JSON: `frm_payload` (hex on the
 * command line, base64 in the API) or `decoded_payload`, or both.
 */
export function downlinkOf(flags: Flags): Record<string, unknown> {
  const downlink: Record<string, unknown> = {};
  const payload = flag(flags, "frm-payload") as string | undefined;
  const decoded = flag(flags, "decoded-payload") as string | undefined;
  if (payload === undefined && decoded === undefined) throw errNoPayload.create();
  if (flags.fPort !== undefined) downlink.f_port = parseFPort(flags.fPort);
  if (payload !== undefined) downlink.frm_payload = hexToBase64("frm-payload", payload);
  if (decoded !== undefined) downlink.decoded_payload = parseJsonObject("decoded-payload", decoded);
  if (flags.confirmed === true) downlink.confirmed = true;
  if (flags.priority !== undefined)
    downlink.priority = parseChoice("priority", String(flags.priority), txSchedulePriorities);
  const gateways = listOf(flag(flags, "class-b-c.gateways"));
  const time = flag(flags, "class-b-c.absolute-time") as string | undefined;
  if (gateways.length > 0 || time !== undefined) {
    downlink.class_b_c = {
      ...(gateways.length > 0 ? { gateways: gateways.map(classBCGateway) } : {}),
      ...(time !== undefined
        ? { absolute_time: parseTimestamp("class-b-c.absolute-time", time) }
        : {}),
    };
  }
  const attempts = flag(flags, "confirmed-retry.max-attempts");
  if (attempts !== undefined)
    downlink.confirmed_retry = {
      max_attempts: parseWhole("confirmed-retry.max-attempts", attempts, 0, 100),
    };
  const correlationIds = listOf(flag(flags, "correlation-ids"));
  if (correlationIds.length > 0) downlink.correlation_ids = correlationIds;
  return downlink;
}

/** `downlink push|replace`: one downlink from the flags; nothing on stdout. */
export async function queueDownlink(
  verb: "push" | "replace",
  app: string | undefined,
  dev: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const device = deviceOf(app, dev, flags);
  const downlink = downlinkOf(flags);
  await callAndNote(
    flags,
    io,
    "POST",
    `${devicePath(device)}/down/${verb}`,
    `${verb === "push" ? "pushed a downlink to" : "replaced the downlink queue of"} ${device.applicationId}/${device.deviceId}`,
    { body: { end_device_ids: endDeviceIds(device), downlinks: [downlink] } },
  );
}

/** `downlink list`: the queue as a list. */
export async function listDownlinks(
  app: string | undefined,
  dev: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const device = deviceOf(app, dev, flags);
  await listAndPrint(flags, io, `${devicePath(device)}/down`, "downlinks");
}

/** `downlink clear`: replaces the queue with nothing, as ttn-lw-cli does. */
export async function clearDownlinks(
  app: string | undefined,
  dev: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const device = deviceOf(app, dev, flags);
  await callAndNote(
    flags,
    io,
    "POST",
    `${devicePath(device)}/down/replace`,
    `cleared the downlink queue of ${device.applicationId}/${device.deviceId}`,
    { body: { end_device_ids: endDeviceIds(device), downlinks: [] } },
  );
}

/** `simulate-uplink`: an ApplicationUp with `uplink_message` to the AS's simulate route. */
export async function simulateUplink(
  app: string | undefined,
  dev: string | undefined,
  flags: Flags,
  io: CommandIO,
): Promise<void> {
  const device = deviceOf(app, dev, flags);
  const payload = flag(flags, "frm-payload") as string | undefined;
  const decoded = flag(flags, "decoded-payload") as string | undefined;
  if (payload === undefined && decoded === undefined) throw errNoPayload.create();
  const uplink: Record<string, unknown> = {};
  if (flags.fPort !== undefined) uplink.f_port = parseFPort(flags.fPort);
  if (flags.fCnt !== undefined) uplink.f_cnt = parseWhole("f-cnt", flags.fCnt, 0, 0xffffffff);
  if (payload !== undefined) uplink.frm_payload = hexToBase64("frm-payload", payload);
  if (decoded !== undefined) uplink.decoded_payload = parseJsonObject("decoded-payload", decoded);
  if (flags.confirmed === true) uplink.confirmed = true;
  await callAndNote(
    flags,
    io,
    "POST",
    `${devicePath(device)}/up/simulate`,
    `simulated an uplink of ${device.applicationId}/${device.deviceId}`,
    { body: { end_device_ids: endDeviceIds(device), uplink_message: uplink } },
  );
}

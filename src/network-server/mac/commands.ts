/**
 * MAC commands in the MACState message: pending requests and queued responses are kept as
 * `MACCommand{cid, raw_payload}` with the payload in its wire form (our codecs in
 * src/lorawan/mac/ write and read it), so the state holds exactly what goes over the air.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { create } from "@bufbuild/protobuf";
import type { MACState } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import {
  type MACCommand,
  MACCommandSchema,
  MACVersion,
} from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  type DownlinkMacCommand,
  type MacCommand,
  type MacDirection,
  macCommandCodec,
  type UplinkMacCommand,
} from "../../lorawan/mac/index.ts";

/** The wire form of a command in the MACState message. */
export function toStateCommand(command: MacCommand, direction: MacDirection): MACCommand {
  const codec = macCommandCodec(command.cid, direction);
  if (codec === undefined || codec.name !== command.name) {
    throw new Error(`${command.name} is not a ${direction} command of CID ${command.cid}`);
  }
  const payload = new Uint8Array(codec.length);
  codec.encode(command, payload, 0);
  return create(MACCommandSchema, {
    cid: command.cid,
    payload: { case: "rawPayload", value: payload },
  });
}

/** Reads a command of the MACState message, or undefined when it is not readable. */
export function fromStateCommand(
  command: MACCommand,
  direction: "downlink",
): DownlinkMacCommand | undefined;
export function fromStateCommand(
  command: MACCommand,
  direction: "uplink",
): UplinkMacCommand | undefined;
export function fromStateCommand(
  command: MACCommand,
  direction: MacDirection,
): MacCommand | undefined {
  const codec = macCommandCodec(command.cid, direction);
  if (codec === undefined) return undefined;
  const raw = command.payload.case === "rawPayload" ? command.payload.value : new Uint8Array(0);
  if (raw.length !== codec.length) return undefined;
  return { cid: command.cid, name: codec.name, ...codec.decode(raw, 0) } as MacCommand;
}

/** The pending requests of the state, decoded (unreadable entries are left out). */
export function pendingRequests(state: MACState): DownlinkMacCommand[] {
  return state.pendingRequests.flatMap((c) => fromStateCommand(c, "downlink") ?? []);
}

/** Queues an answer to the device in the state. */
export function queueResponse(state: MACState, command: DownlinkMacCommand): void {
  state.queuedResponses.push(toStateCommand(command, "downlink"));
}

/** A command's fields as event data. */
export function commandData(command: MacCommand): JsonObject {
  const data: JsonObject = {};
  for (const [key, value] of Object.entries(command)) {
    if (key === "cid") continue;
    data[key] = Array.isArray(value) ? [...value] : (value as JsonObject[string]);
  }
  return data;
}

/** MACVersion values in release order (the enum numbers are not: 1.1 is 4, 1.0.3 is 5). */
const versionOrder: Readonly<Record<number, number>> = {
  [MACVersion.MAC_UNKNOWN]: 0,
  [MACVersion.MAC_V1_0]: 1,
  [MACVersion.MAC_V1_0_1]: 2,
  [MACVersion.MAC_V1_0_2]: 3,
  [MACVersion.MAC_V1_0_3]: 4,
  [MACVersion.MAC_V1_0_4]: 5,
  [MACVersion.MAC_V1_1]: 6,
  [MACVersion.MAC_V1_2_0]: 7,
};

/** Whether the state's LoRaWAN version is `version` or later. */
export function versionAtLeast(state: MACState, version: MACVersion): boolean {
  return (versionOrder[state.lorawanVersion] ?? 0) >= (versionOrder[version] ?? 0);
}

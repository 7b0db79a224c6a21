/** Small helpers handlers share to report what they did. */
import type { JsonObject } from "@bufbuild/protobuf";
import type { DownlinkMacCommand, MacCommand } from "../../lorawan/mac/index.ts";
import { commandData, queueResponse } from "./commands.ts";
import type { MacEventDefinition } from "./events.ts";
import type { UplinkWork } from "./types.ts";

/** Adds an event with the command's fields (or other data) as its data. */
export function emit(
  work: { readonly events: { definition: MacEventDefinition; data: JsonObject }[] },
  definition: MacEventDefinition,
  data: MacCommand | JsonObject = {},
): void {
  const json =
    "cid" in data && "name" in data ? commandData(data as MacCommand) : (data as JsonObject);
  work.events.push({ definition, data: json });
}

/** Queues an answer for the next downlink and reports it. */
export function answer(
  work: UplinkWork,
  command: DownlinkMacCommand,
  definition: MacEventDefinition,
): void {
  queueResponse(work.state, command);
  emit(work, definition, command);
}

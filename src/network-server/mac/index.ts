/**
 * The Network Server's MAC layer: one file per command (what makes it needed, how its request
 * is enqueued, how its answer changes the MAC state, its events), the table of them by CID, and
 * the two entry points the uplink and downlink paths call. Pure: no I/O, the clock comes in the
 * context, events go out for the caller to publish.
 */
export { fromStateCommand, pendingRequests, toStateCommand, versionAtLeast } from "./commands.ts";
export { batteryOf, needsDevStatus } from "./dev-status.ts";
export { gpsTime } from "./device-time.ts";
export { type DownlinkCommandsResult, enqueueDownlinkCommands, FOPTS_BUDGET } from "./downlink.ts";
export * from "./events.ts";
export { DEFAULT_MAX_REQUEST_ATTEMPTS, MAC_HANDLERS, REQUEST_ORDER } from "./handlers.ts";
export { linkCheckAnswer } from "./link-check.ts";
export type * from "./types.ts";
export { unansweredOf } from "./types.ts";
export { handleUplinkCommands, type UplinkCommandsResult } from "./uplink.ts";

/**
 * The MAC commands of the next downlink: first the queued answers, then the requests the state
 * needs in The Things Stack's order, within the byte budget of the downlink (FOpts or the
 * FRMPayload of FPort 0) and of the uplink that will carry the answers. Pending requests are
 * rebuilt from what the state still needs, so an unanswered request goes again; a CID given up
 * after too many unanswered uplinks is not asked again until an answer of it arrives or the
 * caller clears its count (new session, changed settings).
 */
import { type DownlinkMacCommand, macCommandDescriptor } from "../../lorawan/mac/index.ts";
import { fromStateCommand, toStateCommand } from "./commands.ts";
import { DEFAULT_MAX_REQUEST_ATTEMPTS, REQUEST_ORDER } from "./handlers.ts";
import { cloneMacState } from "./state-clone.ts";
import type { DownlinkContext, MacBudget, MacEvent, MacLayerState } from "./types.ts";
import { emit } from "./work.ts";

/** FOpts holds at most 15 bytes: the room for the answers in the device's next uplink. */
export const FOPTS_BUDGET = 15;

/** What goes into the downlink, the new state, and the events of the enqueued requests. */
export interface DownlinkCommandsResult {
  readonly state: MacLayerState;
  /** Answers first, then requests, in the order they go on the wire. */
  readonly commands: DownlinkMacCommand[];
  readonly events: MacEvent[];
  /** False when something did not fit: the downlink should set FPending. */
  readonly complete: boolean;
}

function downlinkLength(cid: number): number {
  return 1 + (macCommandDescriptor(cid)?.downlinkLength ?? 0);
}

function answerLength(cid: number): number {
  const length = macCommandDescriptor(cid)?.uplinkLength;
  return length === null || length === undefined ? 0 : 1 + length;
}

/** Builds the MAC commands of the next downlink; the input state is not changed. */
export function enqueueDownlinkCommands(
  state: MacLayerState,
  budget: MacBudget,
  context: DownlinkContext,
): DownlinkCommandsResult {
  const macState = cloneMacState(state.macState);
  const events: MacEvent[] = [];
  const commands: DownlinkMacCommand[] = [];
  let down = budget.downlink;
  let up = budget.uplink ?? FOPTS_BUDGET;
  let complete = true;

  for (const queued of macState.queuedResponses) {
    const command = fromStateCommand(queued, "downlink");
    if (command === undefined) continue;
    const length = downlinkLength(command.cid);
    if (length > down) {
      // As The Things Stack: an answer that does not fit leaves no room for any request; it
      // and the answers after it are dropped (the device asks again) and FPending is set.
      complete = false;
      down = 0;
      break;
    }
    commands.push(command);
    down -= length;
  }
  macState.queuedResponses = [];
  macState.pendingRequests = [];

  const limit = context.maxRequestAttempts ?? DEFAULT_MAX_REQUEST_ATTEMPTS;
  const lastUplinkCids = new Set<number>(macState.recentMacCommandIdentifiers);
  for (const handler of REQUEST_ORDER) {
    if ((state.unanswered?.[handler.cid] ?? 0) >= limit) continue;
    // A sticky answer in the last uplink could not be told from the answer to a new request.
    if (handler.sticky === true && lastUplinkCids.has(handler.cid)) continue;
    const requests = handler.needs?.(macState, context) ?? [];
    if (requests.length === 0) continue;
    const downCost = downlinkLength(handler.cid);
    const upCost = answerLength(handler.cid);
    const fitting = Math.min(
      requests.length,
      Math.floor(down / downCost),
      upCost === 0 ? requests.length : Math.floor(up / upCost),
    );
    if (fitting < requests.length) complete = false;
    if (fitting === 0 || (fitting < requests.length && handler.partial !== true)) continue;
    for (const request of requests.slice(0, fitting)) {
      commands.push(request);
      macState.pendingRequests.push(toStateCommand(request, "downlink"));
      if (handler.requestEvent !== undefined) emit({ events }, handler.requestEvent, request);
      down -= downCost;
      up -= upCost;
    }
  }
  return {
    state: { macState, unanswered: { ...state.unanswered } },
    commands,
    events,
    complete,
  };
}

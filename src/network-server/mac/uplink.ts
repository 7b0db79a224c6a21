/**
 * The MAC commands of one uplink, in order: requests and indications of the device are answered
 * (the answers wait in `queued_responses` for the next downlink); answers are matched with the
 * oldest pending request of their CID and applied. An answer without request is dropped and
 * reported, except the repeats the specification expects (sticky answers, one answer per
 * command of a LinkADRReq block). Requests the uplink left unanswered stay pending, are sent
 * again with the next downlink, and are given up after `maxRequestAttempts` such uplinks.
 */
import {
  type DownlinkMacCommand,
  macCommandDescriptor,
  type UplinkMacCommand,
} from "../../lorawan/mac/index.ts";
import { pendingRequests, toStateCommand } from "./commands.ts";
import { evtDropMACAnswer, evtGiveUpMACRequest } from "./events.ts";
import { DEFAULT_MAX_REQUEST_ATTEMPTS, MAC_HANDLERS } from "./handlers.ts";
import { cloneMacState } from "./state-clone.ts";
import type { DeviceEffects, MacEvent, MacLayerState, UplinkContext, UplinkWork } from "./types.ts";
import { emit } from "./work.ts";

/** The new state, the events to publish and the changes to the device outside its MAC state. */
export interface UplinkCommandsResult {
  readonly state: MacLayerState;
  readonly events: MacEvent[];
  readonly effects: DeviceEffects;
}

/** Takes the requests an answer acknowledges out of `pending`: the oldest, or its whole block. */
function takeRequests(pending: DownlinkMacCommand[], cid: number, block: boolean) {
  const start = pending.findIndex((r) => r.cid === cid);
  if (start < 0) return [];
  let end = start + 1;
  while (block && end < pending.length && pending[end]?.cid === cid) end++;
  return pending.splice(start, end - start);
}

/** Handles the MAC commands of an uplink; the input state is not changed. */
export function handleUplinkCommands(
  state: MacLayerState,
  commands: readonly UplinkMacCommand[],
  context: UplinkContext,
): UplinkCommandsResult {
  const work: UplinkWork = {
    state: cloneMacState(state.macState),
    context,
    events: [],
    effects: {},
  };
  const unanswered: Record<number, number> = { ...state.unanswered };
  const previousCids = new Set<number>(work.state.recentMacCommandIdentifiers);
  work.state.queuedResponses = [];
  let pending = pendingRequests(work.state);
  const answered = new Set<number>();

  for (const command of commands) {
    const handler = MAC_HANDLERS[command.cid];
    if (handler === undefined) continue;
    if (macCommandDescriptor(command.cid)?.initiatedBy === "device") {
      const before = work.state;
      handler.onRequest?.(work, command);
      // A reset MAC state has no pending requests and no count of unanswered ones.
      if (work.state !== before) {
        pending = [];
        for (const cid of Object.keys(unanswered)) delete unanswered[Number(cid)];
      }
      continue;
    }
    const block = takeRequests(pending, command.cid, handler.block === true);
    const request = block.at(-1);
    if (request === undefined) {
      const expectedRepeat =
        (handler.sticky === true && previousCids.has(command.cid)) ||
        (handler.block === true && answered.has(command.cid));
      if (!expectedRepeat) {
        emit(work, evtDropMACAnswer, { command: command.name, reason: "no pending request" });
      }
      continue;
    }
    answered.add(command.cid);
    handler.onAnswer?.(work, command, request, block);
  }

  // A request the device answers with no MAC command (ForceRejoinReq) waits for nothing.
  pending = pending.filter((r) => macCommandDescriptor(r.cid)?.uplink != null);
  const limit = context.maxRequestAttempts ?? DEFAULT_MAX_REQUEST_ATTEMPTS;
  for (const cid of answered) delete unanswered[cid];
  const givenUp = new Set<number>();
  for (const cid of new Set(pending.map((r) => r.cid))) {
    const attempts = (unanswered[cid] ?? 0) + 1;
    unanswered[cid] = attempts;
    if (attempts < limit) continue;
    givenUp.add(cid);
    const name = pending.find((r) => r.cid === cid)?.name ?? "";
    emit(work, evtGiveUpMACRequest, { command: name, attempts });
  }
  work.state.pendingRequests = pending
    .filter((r) => !givenUp.has(r.cid))
    .map((r) => toStateCommand(r, "downlink"));
  work.state.recentMacCommandIdentifiers = commands.map((c) => c.cid);
  return {
    state: { macState: work.state, unanswered },
    events: work.events,
    effects: work.effects,
  };
}

/**
 * Queued application downlinks the Network Server will never send, and why: a multicast group
 * cannot confirm and has no uplinks to find gateways by, and a downlink for an absolute time
 * that passed is late for good. The Application Server gets each back as `downlink_failed`.
 * Pure.
 */
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { DefinedError } from "../../errors/index.ts";
import type { ApplicationDownlink } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import {
  errAbsoluteTimePassed,
  errConfirmedMulticast,
  errMulticastWithoutGateways,
} from "./errors.ts";

export interface RefusalContext {
  readonly multicast: boolean;
  readonly nowMs: number;
}

type Rule = (downlink: ApplicationDownlink, context: RefusalContext) => DefinedError | undefined;

const rules: readonly Rule[] = [
  (d, c) => (c.multicast && d.confirmed ? errConfirmedMulticast.create() : undefined),
  (d, c) =>
    c.multicast && (d.classBC?.gateways.length ?? 0) === 0
      ? errMulticastWithoutGateways.create()
      : undefined,
  (d, c) => {
    const at = d.classBC?.absoluteTime;
    return at !== undefined && timestampMs(at) < c.nowMs
      ? errAbsoluteTimePassed.create()
      : undefined;
  },
];

/** Why the downlink can never be sent, or undefined when it can. */
export function refusalOf(
  downlink: ApplicationDownlink,
  context: RefusalContext,
): DefinedError | undefined {
  for (const rule of rules) {
    const error = rule(downlink, context);
    if (error !== undefined) return error;
  }
  return undefined;
}

/**
 * The Application Server's own correlation ID on every message it takes, as The Things
 * Stack's: `as:up:<ULID>` after the Gateway and Network Servers' IDs. Integrations read it as
 * the message's identity (it is the one ID that differs between two deliveries of one frame
 * to two Application Servers), so it must be on what MQTT, webhooks and events carry.
 */

import { newUlid } from "../../events/ulid.ts";
import type { ApplicationUp } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { UplinkHandler } from "./handler.ts";

/** `up` with a fresh `as:up:` correlation ID appended (the message itself is not changed). */
export function withUplinkCorrelationId(up: ApplicationUp): ApplicationUp {
  return { ...up, correlationIds: [...up.correlationIds, `as:up:${newUlid().id}`] };
}

/** `handler`, giving each message (received or simulated) its `as:up:` correlation ID first. */
export function correlatingUplinks(handler: UplinkHandler): UplinkHandler {
  return {
    handle: (ups) => handler.handle(ups.map(withUplinkCorrelationId)),
    simulate: (up) => handler.simulate(withUplinkCorrelationId(up)),
  };
}

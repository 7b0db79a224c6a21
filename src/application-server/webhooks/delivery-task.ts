import { createHash } from "node:crypto";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { type ApplicationUp, ApplicationUpSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { WebhookKey } from "./registry.ts";

/** The task queue of webhook deliveries (one task per webhook and message). */
export const deliveryQueue = "as.webhooks.deliveries";

/** One message to one webhook. */
export interface Delivery {
  webhook: WebhookKey;
  up: ApplicationUp;
}

// Layout: application ID and webhook ID, each behind its length in one byte (IDs are at most
// 36 characters), then the ApplicationUp in binary. The webhook itself is read when the task
// runs, so that a change (new URL, paused, deleted) applies to deliveries already queued.
export function encodeDelivery(delivery: Delivery): Uint8Array {
  const ids = [delivery.webhook.applicationId, delivery.webhook.webhookId].map((id) =>
    Buffer.from(id, "utf8"),
  );
  const parts: Uint8Array[] = [];
  for (const id of ids) parts.push(Uint8Array.of(id.length), id);
  parts.push(toBinary(ApplicationUpSchema, delivery.up));
  return Buffer.concat(parts);
}

/** The delivery of a task's payload; throws on a payload this module did not write. */
export function decodeDelivery(payload: Uint8Array): Delivery {
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  let offset = 0;
  const next = () => {
    const length = bytes[offset];
    if (length === undefined || offset + 1 + length > bytes.length)
      throw new Error("truncated webhook delivery task");
    const text = bytes.toString("utf8", offset + 1, offset + 1 + length);
    offset += 1 + length;
    return text;
  };
  const applicationId = next();
  const webhookId = next();
  return {
    webhook: { applicationId, webhookId },
    up: fromBinary(ApplicationUpSchema, bytes.subarray(offset)),
  };
}

/**
 * A delivery's task key: the webhook and a digest of the message, so that the same message
 * handed over again (the Network Server retrying) updates its pending task instead of adding one.
 */
export function deliveryKey(webhook: WebhookKey, up: ApplicationUp): string {
  const digest = createHash("sha256")
    .update(toBinary(ApplicationUpSchema, up))
    .digest("base64url")
    .slice(0, 22);
  return `${webhook.applicationId}/${webhook.webhookId}/${digest}`;
}

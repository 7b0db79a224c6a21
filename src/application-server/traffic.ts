import type { ApplicationUp } from "../gen/ttn/lorawan/v3/messages_pb.js";

/**
 * Something that takes every `ApplicationUp` the Application Server produces (uplinks, join
 * accepts, downlink events, ...): the MQTT server, webhooks, pub/subs, storage.
 *
 * The Application Server calls every sink before it reports a message as handled to the Network
 * Server, so `handle` resolves once the message is as durable as the sink promises: a webhook
 * delivery task queued, a stored uplink committed, an MQTT message taken by the broker (with
 * Redis: handed to Redis, queued for absent persistent sessions).
 * A sink throws only when it could not take the message at all (it is then retried by the
 * Network Server's queue); a sink never throws for one integration's failure (a dead webhook
 * endpoint is the webhook task's business, not the uplink's).
 */
export interface ApplicationUpSink {
  /** Short name for logs and metrics (`mqtt`, `webhooks`, `pubsubs`, `storage`). */
  readonly name: string;
  handle(up: ApplicationUp): Promise<void>;
}

/**
 * The `Events` service: `Stream` (gRPC server streaming, and `POST /api/v3/events` as
 * newline-delimited `{"result": <event>}` JSON through the REST transcoder), served by every
 * process whatever components it runs: events reach it from every instance through the bus.
 *
 * As The Things Stack does, the stream resolves its `names` filter against the defined event
 * names, requires some rights on every requested entity, subscribes, and sends an
 * `events.stream.start` event (so a client knows it is subscribed, and HTTP headers go out at
 * once). Each event after that is sent only if the caller holds one of the event's visibility
 * rights on one of the event's entities it subscribed to (an end device through its
 * application); the rights are computed once, when the stream starts. A client that falls more
 * than `capacity` events behind is ended with `consumer_too_slow` rather than buffered for.
 *
 * No event history is stored yet: `tail` and `after` are accepted and ignored (the response
 * carries an `x-warning` header saying so), and `FindRelated` is not implemented.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { ApiRegistry } from "../api/registry.ts";
import { errNoCredentials, errNoRights } from "../auth/errors.ts";
import type { RightName } from "../auth/rights/index.ts";
import type { RightsFetcher } from "../auth/rights-fetcher.ts";
import { EventSchema, Events } from "../gen/ttn/lorawan/v3/events_pb.js";
import { eventDataRegistry } from "./definition.ts";
import { errInvalidIdentifiers, errNoIdentifiers } from "./errors.ts";
import { applicationOfDevice, entityKey, type StackEvent } from "./event.ts";
import type { EventBus } from "./event-bus.ts";
import { entityRefOf, uniqueRefs } from "./identifiers.ts";
import type { NamePatternResolver } from "./name-patterns.ts";
import { evtStreamStart } from "./stream-events.ts";
import { packEventData, toEventMessage } from "./wire.ts";

/** Header telling the client that `tail`/`after` were ignored. */
export const historyWarning = "historical events are not stored; only live events are streamed";

export interface EventsStreamOptions {
  bus: EventBus;
  /** Authentication and rights of the caller, wherever the Identity Server runs. */
  rights: RightsFetcher;
  /** Resolves the `names` filter (regular expressions off the main thread). */
  patterns: NamePatternResolver;
  /** The `origin` of `events.stream.start`; default the host name. */
  origin?: string;
  /** Events a stream may fall behind before it is ended with `consumer_too_slow`; default 1024. */
  capacity?: number;
}

/** The `Events` service implementation. */
export function eventsStreamService(
  options: EventsStreamOptions,
): Partial<ServiceImpl<typeof Events>> {
  const origin = options.origin ?? hostname();
  const capacity = options.capacity ?? 1024;
  return {
    async *stream(request, handler) {
      const refs = uniqueRefs(
        request.identifiers.map((ids, index) => {
          const ref = entityRefOf(ids);
          if (!ref) throw errInvalidIdentifiers.create({ field: `identifiers[${index}]` });
          return ref;
        }),
      );
      if (refs.length === 0) throw errNoIdentifiers.create();
      const names = await options.patterns.resolve(request.names);

      const authorization = handler.requestHeader.get("authorization");
      if (!authorization) throw errNoCredentials.create();
      await options.rights.authInfo(authorization);
      const rightsByEntity = new Map<string, ReadonlySet<RightName>>();
      for (const ref of refs) {
        const held = await options.rights.rightsOn(authorization, ref);
        if (held.size === 0) throw errNoRights.create({ entity_kind: ref.kind, entity_id: ref.id });
        rightsByEntity.set(entityKey(ref), held);
      }
      if (request.tail > 0 || request.after !== undefined)
        handler.responseHeader.set("x-warning", historyWarning);

      const signal = handler.signal;
      if (signal.aborted) return;
      const subscription = options.bus.subscribe(
        names === undefined ? { identifiers: refs } : { identifiers: refs, names },
        { capacity, overflow: "close" },
      );
      const close = () => subscription.close();
      signal.addEventListener("abort", close, { once: true });
      try {
        yield create(EventSchema, {
          name: evtStreamStart.name,
          time: timestampFromDate(new Date()),
          identifiers: request.identifiers,
          data: names === undefined ? undefined : packEventData(evtStreamStart, [...names].sort()),
          origin,
          uniqueId: randomUUID().replaceAll("-", ""),
        });
        for (;;) {
          const next = await subscription.next();
          if (next.done) return;
          if (isVisible(next.value, rightsByEntity)) yield toEventMessage(next.value);
        }
      } finally {
        signal.removeEventListener("abort", close);
        subscription.close();
      }
    },
  };
}

/**
 * Registers the `Events` service on the API, with the types of every defined event's data so
 * that JSON transports can write it (`@type`). Call it once the components have defined their
 * events.
 */
export function registerEventsStream(api: ApiRegistry, options: EventsStreamOptions): void {
  api.register(Events, eventsStreamService(options));
  api.registerTypes(eventDataRegistry());
}

/**
 * Whether the caller may see the event: it holds one of the event's visibility rights on one
 * of the event's entities it subscribed to (an end device through its application). An event
 * without visibility rights is never sent.
 */
function isVisible(
  event: StackEvent,
  rightsByEntity: Map<string, ReadonlySet<RightName>>,
): boolean {
  if (event.visibility.length === 0) return false;
  for (const ref of event.identifiers) {
    if (holdsAny(rightsByEntity.get(entityKey(ref)), event.visibility)) return true;
    const application = applicationOfDevice(ref);
    if (application && holdsAny(rightsByEntity.get(entityKey(application)), event.visibility))
      return true;
  }
  return false;
}

function holdsAny(held: ReadonlySet<RightName> | undefined, wanted: readonly RightName[]): boolean {
  return held !== undefined && wanted.some((right) => held.has(right));
}

/**
 * The `Events` service: `Stream` (gRPC server streaming, and `POST /api/v3/events` as
 * newline-delimited `{"result": <event>}` JSON through the REST transcoder) and `FindRelated`
 * (`GET /api/v3/events/related`), served by every process whatever components it runs: events
 * reach it from every instance through the bus, and history from the event store.
 *
 * As The Things Stack does, the stream resolves its `names` filter against the defined event
 * names, requires some rights on every requested entity, subscribes, and sends an
 * `events.stream.start` event (so a client knows it is subscribed, and HTTP headers go out at
 * once). With an event store, `tail` and `after` first replay stored events (the newest `tail`
 * of each entity, those after `after`, or the newest `tail` of those), then live events follow,
 * each sent once. Each event is sent only if the caller holds one of its visibility rights on
 * one of its entities it follows (an end device through its application).
 *
 * Rights are fetched when the stream opens and again whenever an event that changes rights
 * concerns the stream's caller or entities (a key deleted or changed, a collaborator removed, a
 * user suspended, an entity deleted — src/auth/invalidate-for-event.ts), before any later event
 * is sent: the stream is narrowed to the entities its caller still has rights on, and ended when
 * none is left or the credential is gone. A caller's account may hold at most a configured
 * number of streams open on one instance. A client that falls more than `capacity` events behind
 * is ended with `consumer_too_slow` rather than buffered for.
 */
import { hostname } from "node:os";
import { create } from "@bufbuild/protobuf";
import { type Timestamp, timestampFromDate, timestampMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { ApiRegistry } from "../api/registry.ts";
import { errNoCredentials } from "../auth/errors.ts";
import { invalidateForEvent } from "../auth/invalidate-for-event.ts";
import type { RightsFetcher } from "../auth/rights-fetcher.ts";
import { EventSchema, Events } from "../gen/ttn/lorawan/v3/events_pb.js";
import { currentCorrelationIds, rpcCorrelationId } from "./correlation.ts";
import { eventDataRegistry } from "./definition.ts";
import { errInvalidIdentifiers, errNoIdentifiers } from "./errors.ts";
import type { StackEvent } from "./event.ts";
import type { EventBus } from "./event-bus.ts";
import { findRelated } from "./find-related.ts";
import { entityRefOf, uniqueRefs } from "./identifiers.ts";
import type { NamePatternResolver } from "./name-patterns.ts";
import { OpenStreams } from "./open-streams.ts";
import type { EventStore } from "./store/event-store.ts";
import { StreamAccess } from "./stream-access.ts";
import { evtStreamStart } from "./stream-events.ts";
import { rightsChanged } from "./subscription.ts";
import { newUlid } from "./ulid.ts";
import { packEventData, toEventMessage } from "./wire.ts";

/** Header telling the client that `tail`/`after` were ignored (The Things Stack's warning). */
export const historyWarning = "Events storage is not enabled";

export interface EventsStreamOptions {
  bus: EventBus;
  /** Authentication and rights of the caller, wherever the Identity Server runs. */
  rights: RightsFetcher;
  /** Resolves the `names` filter (regular expressions off the main thread). */
  patterns: NamePatternResolver;
  /**
   * Where history is kept. Without one, `tail` and `after` are ignored (with an `x-warning`
   * header) and `FindRelated` fails with `storage_disabled`, as in The Things Stack.
   */
  store?: EventStore;
  /**
   * The open streams of this instance (the per-caller cap), told of rights changes by whoever
   * made it (see {@link watchRightsChanges}). Default: one without a cap, watching `bus`.
   */
  streams?: OpenStreams;
  /** The `origin` of `events.stream.start`; default the host name. */
  origin?: string;
  /** Events a stream may fall behind before it is ended with `consumer_too_slow`; default 1024. */
  capacity?: number;
}

/**
 * Tells the open streams about every event that changes rights, after the event reached the
 * subscriptions: a stream re-checks its rights after the change's own event and before any
 * later one. Returns the unsubscribe function.
 */
export function watchRightsChanges(bus: EventBus, streams: OpenStreams): () => void {
  return bus.listen((event) => invalidateForEvent(streams, event), { afterSubscriptions: true });
}

/** The `Events` service implementation. */
export function eventsStreamService(
  options: EventsStreamOptions,
): Partial<ServiceImpl<typeof Events>> {
  const origin = options.origin ?? hostname();
  const capacity = options.capacity ?? 1024;
  const { bus, store } = options;
  let streams = options.streams;
  if (!streams) {
    streams = new OpenStreams({ maxPerCaller: 0 });
    watchRightsChanges(bus, streams);
  }
  const open = streams;
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
      const { caller } = await options.rights.authInfo(authorization);
      const access = new StreamAccess(options.rights, authorization, refs);
      await access.open();
      const afterMs = timeOf(request.after);
      const wantsHistory = request.tail > 0 || afterMs !== undefined;
      if (wantsHistory && !store) handler.responseHeader.set("x-warning", historyWarning);

      const signal = handler.signal;
      if (signal.aborted) return;
      const registered = open.open(caller, refs);
      const subscription = bus.subscribe(
        names === undefined ? { identifiers: refs } : { identifiers: refs, names },
        { capacity, overflow: "close" },
      );
      registered.watch(subscription);
      const close = () => subscription.close();
      signal.addEventListener("abort", close, { once: true });
      try {
        // Subscribed first, so that nothing published meanwhile falls between the two.
        const past =
          store && wantsHistory
            ? await store.history({
                entities: refs,
                ...(afterMs === undefined ? {} : { afterMs }),
                tail: request.tail,
              })
            : [];
        yield create(EventSchema, {
          name: evtStreamStart.name,
          time: timestampFromDate(new Date()),
          identifiers: request.identifiers,
          data: names === undefined ? undefined : packEventData(evtStreamStart, [...names].sort()),
          // As The Things Stack: the stream call's own correlation id (streams are not wrapped).
          correlationIds: [
            ...currentCorrelationIds(),
            rpcCorrelationId(
              `/${Events.typeName}/${Events.method.stream.name}`,
              handler.requestHeader.get("x-request-id"),
            ),
          ],
          origin,
          uniqueId: newUlid().id,
        });
        const replayed = new Set<string>();
        for (const event of past) {
          if (names !== undefined && !names.has(event.name)) continue;
          replayed.add(event.uniqueId);
          if (access.visible(event)) yield toEventMessage(event);
        }
        for (;;) {
          const next = await subscription.read();
          if (next.done) return;
          if (next.value === rightsChanged) {
            await access.recheck();
            continue;
          }
          const event: StackEvent = next.value;
          if (replayed.size > 0 && replayed.has(event.uniqueId)) continue;
          if (access.visible(event)) yield toEventMessage(event);
        }
      } finally {
        signal.removeEventListener("abort", close);
        subscription.close();
        registered.release();
      }
    },

    findRelated(request, handler) {
      return findRelated(request, {
        store,
        rights: options.rights,
        authorization: handler.requestHeader.get("authorization"),
      });
    },
  };
}

/** A request's `after` in milliseconds; unset or zero means none (as The Things Stack). */
function timeOf(after: Timestamp | undefined): number | undefined {
  if (!after || (after.seconds === 0n && after.nanos === 0)) return undefined;
  return timestampMs(after);
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

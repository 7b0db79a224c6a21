/**
 * The `Events` service: `Stream` (gRPC server streaming, and `POST /api/v3/events` as
 * newline-delimited `{"result": <event>}` JSON through the REST transcoder).
 *
 * As The Things Stack does, the stream authenticates the caller, requires some rights on every
 * requested entity, subscribes, and then sends an `events.stream.start` event (so a client
 * knows it is subscribed, and HTTP headers go out at once). Each event after that is sent only
 * if the caller holds one of the event's `visibility` rights on one of the event's entities it
 * subscribed to; the rights are computed once, when the stream starts.
 *
 * No event history is stored yet: `tail` and `after` are accepted and ignored (the response
 * carries an `x-warning` header saying so), and `FindRelated` is not implemented.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { create, fromJson, isMessage, type JsonValue, type Registry } from "@bufbuild/protobuf";
import { type Any, anyPack, timestampFromDate, ValueSchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { ApiRegistry } from "../../api/registry.ts";
import { errNoRights } from "../../auth/errors.ts";
import { isRightName, type RightName } from "../../auth/rights/index.ts";
import { errorNamespace } from "../../errors/index.ts";
import type { EntityRef, StackEvent } from "../../events/index.ts";
import { type Event, EventSchema, Events } from "../../gen/ttn/lorawan/v3/events_pb.js";
import {
  type EntityIdentifiers,
  EntityIdentifiersSchema,
} from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { callerOf, callerRightsOn, type ServiceContext } from "./context.ts";
import { errMissingField, rightNumbers } from "./convert.ts";

const errors = errorNamespace("identity-server/events");
export const errInvalidNamePattern = errors.invalidArgument(
  "invalid_name_pattern",
  "event name pattern `{pattern}` is not valid: {reason}",
);

/** The longest `/regular expression/` accepted in `names`. */
const maxPatternLength = 256;

/** Header telling the client that `tail`/`after` were ignored. */
export const historyWarning = "historical events are not stored; only live events are streamed";

export interface EventsServiceOptions {
  /**
   * Message types that event data may be sent as. Data that is a protobuf message of a type in
   * the registry is packed as that type; other (plain JSON) data is sent as a
   * `google.protobuf.Value` when the registry holds that type. Without a registry events carry
   * no data. The REST transcoder needs the same registry to write the data as JSON.
   */
  registry?: Registry;
  /** The `origin` of `events.stream.start`; default the host name. */
  origin?: string;
  /** Events a stream buffers before it drops the oldest; default the bus's. */
  capacity?: number;
}

/** The `Events` service implementation. */
export function eventsService(
  context: ServiceContext,
  options: EventsServiceOptions = {},
): Partial<ServiceImpl<typeof Events>> {
  const origin = options.origin ?? hostname();
  return {
    async *stream(request, handler) {
      const caller = await callerOf(context, handler);
      const refs = uniqueRefs(
        request.identifiers.map((ids, index) => entityRefOf(ids, `identifiers[${index}]`)),
      );
      const names = nameFilter(request.names);
      if (refs.length === 0) return;
      const rightsByEntity = new Map<string, Set<RightName>>();
      for (const ref of refs) {
        const held = await callerRightsOn(context, caller, ref);
        if (held.size === 0) throw errNoRights.create({ entity_kind: ref.kind, entity_id: ref.id });
        rightsByEntity.set(refKey(ref), held);
      }
      if (request.tail > 0 || request.after !== undefined)
        handler.responseHeader.set("x-warning", historyWarning);

      const signal = handler.signal;
      if (signal.aborted) return;
      const subscription = context.events.subscribe(
        { identifiers: refs, names: names.busNames },
        options.capacity === undefined ? {} : { capacity: options.capacity },
      );
      const close = () => subscription.close();
      signal.addEventListener("abort", close, { once: true });
      try {
        yield create(EventSchema, {
          name: "events.stream.start",
          time: timestampFromDate(new Date()),
          identifiers: request.identifiers,
          origin,
          uniqueId: randomUUID().replaceAll("-", ""),
        });
        for (;;) {
          const next = await subscription.next();
          if (next.done) return;
          const event = next.value;
          if (!names.matches(event.name) || !isVisible(event, rightsByEntity)) continue;
          yield toEventMessage(event, options.registry);
        }
      } finally {
        signal.removeEventListener("abort", close);
        subscription.close();
      }
    },
  };
}

/** Registers the `Events` service on the API. */
export function registerEventServices(
  api: ApiRegistry,
  services: ServiceContext,
  options: EventsServiceOptions = {},
): void {
  api.register(Events, eventsService(services, options));
}

/**
 * Whether the caller may see the event: it holds one of the event's visibility rights on one
 * of the event's entities it subscribed to (an end device through its application). An event
 * without visibility rights is never sent.
 */
function isVisible(event: StackEvent, rightsByEntity: Map<string, Set<RightName>>): boolean {
  const wanted = event.visibility.filter(isRightName);
  if (wanted.length === 0) return false;
  for (const ref of event.identifiers) {
    const held =
      rightsByEntity.get(refKey(ref)) ??
      (ref.kind === "end_device"
        ? rightsByEntity.get(refKey({ kind: "application", id: applicationOfDevice(ref.id) }))
        : undefined);
    if (held && wanted.some((right) => held.has(right))) return true;
  }
  return false;
}

/** A bus event as the API's `ttn.lorawan.v3.Event`. */
export function toEventMessage(event: StackEvent, registry?: Registry): Event {
  return create(EventSchema, {
    name: event.name,
    time: timestampFromDate(event.time),
    identifiers: event.identifiers.map(entityIdentifiersOf),
    data: eventData(event.data, registry),
    correlationIds: [...event.correlationIds],
    origin: event.origin,
    visibility: { rights: rightNumbers(event.visibility.filter(isRightName)) },
    uniqueId: event.uniqueId,
  });
}

function eventData(data: unknown, registry: Registry | undefined): Any | undefined {
  if (data === undefined || data === null || !registry) return undefined;
  if (isMessage(data)) {
    const desc = registry.getMessage(data.$typeName);
    return desc ? anyPack(desc, data) : undefined;
  }
  if (!registry.getMessage(ValueSchema.typeName)) return undefined;
  try {
    // Through JSON text: dates become RFC 3339 strings, undefined fields disappear.
    const json = JSON.parse(JSON.stringify(data)) as JsonValue;
    return anyPack(ValueSchema, fromJson(ValueSchema, json));
  } catch {
    return undefined; // not representable as JSON (a bigint, a cycle): sent without data
  }
}

/** The entity an `EntityIdentifiers` names; `missing_field` when it names none. */
export function entityRefOf(ids: EntityIdentifiers, field: string): EntityRef {
  const { ids: value } = ids;
  switch (value.case) {
    case "applicationIds":
      if (value.value.applicationId) return { kind: "application", id: value.value.applicationId };
      break;
    case "clientIds":
      if (value.value.clientId) return { kind: "client", id: value.value.clientId };
      break;
    case "gatewayIds":
      if (value.value.gatewayId) return { kind: "gateway", id: value.value.gatewayId };
      break;
    case "organizationIds":
      if (value.value.organizationId)
        return { kind: "organization", id: value.value.organizationId };
      break;
    case "userIds":
      if (value.value.userId) return { kind: "user", id: value.value.userId };
      break;
    case "deviceIds": {
      const applicationId = value.value.applicationIds?.applicationId;
      if (value.value.deviceId && applicationId)
        return { kind: "end_device", id: `${applicationId}.${value.value.deviceId}` };
      break;
    }
  }
  throw errMissingField.create({ field });
}

/** An entity as `EntityIdentifiers`. */
export function entityIdentifiersOf(ref: EntityRef): EntityIdentifiers {
  switch (ref.kind) {
    case "application":
      return create(EntityIdentifiersSchema, {
        ids: { case: "applicationIds", value: { applicationId: ref.id } },
      });
    case "client":
      return create(EntityIdentifiersSchema, {
        ids: { case: "clientIds", value: { clientId: ref.id } },
      });
    case "gateway":
      return create(EntityIdentifiersSchema, {
        ids: { case: "gatewayIds", value: { gatewayId: ref.id } },
      });
    case "organization":
      return create(EntityIdentifiersSchema, {
        ids: { case: "organizationIds", value: { organizationId: ref.id } },
      });
    case "user":
      return create(EntityIdentifiersSchema, {
        ids: { case: "userIds", value: { userId: ref.id } },
      });
    case "end_device": {
      const applicationId = applicationOfDevice(ref.id);
      return create(EntityIdentifiersSchema, {
        ids: {
          case: "deviceIds",
          value: {
            deviceId: ref.id.slice(applicationId.length + 1),
            applicationIds: { applicationId },
          },
        },
      });
    }
  }
}

function applicationOfDevice(id: string): string {
  const dot = id.indexOf(".");
  return dot < 0 ? id : id.slice(0, dot);
}

function refKey(ref: EntityRef): string {
  return `${ref.kind}:${ref.id}`;
}

function uniqueRefs(refs: EntityRef[]): EntityRef[] {
  const seen = new Map<string, EntityRef>();
  for (const ref of refs) if (!seen.has(refKey(ref))) seen.set(refKey(ref), ref);
  return [...seen.values()];
}

/**
 * The `names` filter: exact names, `/regular expressions/` (as The Things Stack accepts), and
 * prefixes ending in `*`. Without regular expressions the bus filters by name itself.
 */
function nameFilter(patterns: readonly string[]): {
  matches: (name: string) => boolean;
  busNames: readonly string[] | undefined;
} {
  if (patterns.length === 0) return { matches: () => true, busNames: undefined };
  let regex = false;
  const tests = patterns.map((pattern): ((name: string) => boolean) => {
    if (pattern.length > 2 && pattern.startsWith("/") && pattern.endsWith("/")) {
      regex = true;
      if (pattern.length > maxPatternLength)
        throw errInvalidNamePattern.create({
          pattern: `${pattern.slice(0, 32)}...`,
          reason: `longer than ${maxPatternLength} characters`,
        });
      let expression: RegExp;
      try {
        expression = new RegExp(pattern.slice(1, -1));
      } catch (error) {
        throw errInvalidNamePattern.create({ pattern, reason: (error as Error).message });
      }
      return (name) => expression.test(name);
    }
    if (pattern.endsWith("*")) {
      const prefix = pattern.slice(0, -1);
      return (name) => name.startsWith(prefix);
    }
    return (name) => name === pattern;
  });
  return {
    matches: (name) => tests.some((test) => test(name)),
    busNames: regex ? undefined : patterns,
  };
}

/**
 * Events on the wire: a published event as the API's `ttn.lorawan.v3.Event`, its data packed as
 * `google.protobuf.Any` by the definition's data type (a message as itself, JSON data as a
 * `google.protobuf.Value`). The same form crosses instances (the bus's PubSub codec) and goes
 * to stream clients.
 */
import {
  create,
  fromBinary,
  fromJson,
  type JsonValue,
  type Message,
  toBinary,
  toJson,
} from "@bufbuild/protobuf";
import {
  type Any,
  anyIs,
  anyPack,
  anyUnpack,
  timestampDate,
  timestampFromDate,
  type Value,
  ValueSchema,
} from "@bufbuild/protobuf/wkt";
import { type RightName, rightByNumber, rightDefinition } from "../auth/rights/index.ts";
import type { Codec } from "../cluster/codec.ts";
import { type Event, EventSchema } from "../gen/ttn/lorawan/v3/events_pb.js";
import type { Right } from "../gen/ttn/lorawan/v3/rights_pb.js";
import { type EventDefinition, eventDefinition } from "./definition.ts";
import { errMalformedEvent } from "./errors.ts";
import type { StackEvent } from "./event.ts";
import { entityIdentifiersOf, entityRefOf } from "./identifiers.ts";

/** `data` packed as `Any` by the definition's data type; `undefined` when there is none. */
export function packEventData(
  definition: EventDefinition<unknown> | undefined,
  data: unknown,
): Any | undefined {
  const type = definition?.dataType;
  if (data === undefined || type === undefined) return undefined;
  if (type.kind === "json") return anyPack(ValueSchema, fromJson(ValueSchema, data as JsonValue));
  return anyPack(type, data as Message as never);
}

/** The data of an `Any` as the definition's data type; throws when it is of another type. */
export function unpackEventData(
  definition: EventDefinition<unknown>,
  any: Any | undefined,
): unknown {
  if (any === undefined || any.typeUrl === "") return undefined;
  const type = definition.dataType;
  if (type === undefined) throw errMalformedEvent.create({ reason: `${definition.name} has data` });
  if (type.kind === "json") {
    if (!anyIs(any, ValueSchema)) throw wrongType(definition, any);
    return toJson(ValueSchema, anyUnpack(any, ValueSchema) as Value);
  }
  if (!anyIs(any, type)) throw wrongType(definition, any);
  return anyUnpack(any, type);
}

function wrongType(definition: EventDefinition<unknown>, any: Any) {
  return errMalformedEvent.create({ reason: `${definition.name} data is ${any.typeUrl}` });
}

/** Converted once per event, however many streams send it. */
const messages = new WeakMap<StackEvent, Event>();

/** A published event as the API's `Event`. */
export function toEventMessage(event: StackEvent): Event {
  let message = messages.get(event);
  if (message) return message;
  message = create(EventSchema, {
    name: event.name,
    time: timestampFromDate(event.time),
    identifiers: event.identifiers.map(entityIdentifiersOf),
    data: packEventData(eventDefinition(event.name), event.data),
    correlationIds: [...event.correlationIds],
    origin: event.origin,
    visibility: { rights: event.visibility.map((name) => rightDefinition(name).number as Right) },
    uniqueId: event.uniqueId,
  });
  messages.set(event, message);
  return message;
}

/** Encoded once per event, however many times it is sent to other instances or stored. */
const encoded = new WeakMap<StackEvent, Uint8Array>();

/** A published event as `ttn.lorawan.v3.Event` protobuf bytes. */
export function eventBytes(event: StackEvent): Uint8Array {
  let bytes = encoded.get(event);
  if (!bytes) {
    bytes = toBinary(EventSchema, toEventMessage(event));
    encoded.set(event, bytes);
  }
  return bytes;
}

/** `ttn.lorawan.v3.Event` bytes as a published event; throws `malformed_event` like the below. */
export function eventFromBytes(bytes: Uint8Array): StackEvent {
  return fromEventMessage(fromBinary(EventSchema, bytes));
}

/**
 * An `Event` read from another instance as a published event. Throws `malformed_event` when it
 * names no defined event, an entity it cannot name or data of another type.
 */
export function fromEventMessage(message: Event): StackEvent {
  const definition = eventDefinition(message.name);
  if (!definition) throw errMalformedEvent.create({ reason: `\`${message.name}\` is not defined` });
  const identifiers = message.identifiers.map((ids) => {
    const ref = entityRefOf(ids);
    if (!ref) throw errMalformedEvent.create({ reason: "identifiers name no entity" });
    return ref;
  });
  const visibility: RightName[] = [];
  for (const number of message.visibility?.rights ?? []) {
    const right = rightByNumber(number);
    if (right) visibility.push(right.name);
  }
  const event: StackEvent = {
    name: message.name,
    time: message.time ? timestampDate(message.time) : new Date(),
    identifiers,
    correlationIds: message.correlationIds,
    origin: message.origin,
    visibility,
    uniqueId: message.uniqueId,
  };
  const data = unpackEventData(definition, message.data);
  if (data !== undefined) event.data = data;
  return event;
}

/**
 * The bus's PubSub codec: events as `ttn.lorawan.v3.Event` protobuf bytes. An event that cannot
 * be read decodes to `undefined` (and is reported to `onMalformed`) instead of throwing into the
 * transport: input from other instances is dropped and counted, never a crash.
 */
export function eventCodec(
  onMalformed: (error: unknown) => void = () => {},
): Codec<StackEvent | undefined> {
  return {
    encode: (event) => (event ? eventBytes(event) : new Uint8Array()),
    decode(bytes) {
      try {
        return eventFromBytes(bytes);
      } catch (error) {
        onMalformed(error);
        return undefined;
      }
    },
  };
}

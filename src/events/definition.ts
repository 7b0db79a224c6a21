/**
 * Event definitions: every event the stack publishes is defined once, by name, with its
 * description, the rights that make it visible and the type of its data — as The Things Stack's
 * `events.Define`. Each component defines its events in one file (the Identity Server's in
 * `src/identity-server/events.ts`); publishing takes a definition, so a free string cannot be
 * published, and the stream's name filters match against the defined names.
 */
import {
  createRegistry,
  type DescMessage,
  isMessage,
  type JsonValue,
  type MessageShape,
  type Registry,
} from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import type { RightName } from "../auth/rights/index.ts";
import { errInvalidEventData, errUndefinedEvent } from "./errors.ts";

/**
 * Data that is plain JSON (a list of field paths, ...): sent as `google.protobuf.Value`, as The
 * Things Stack sends data that is not a message.
 */
export interface JsonDataType<T extends JsonValue> {
  readonly kind: "json";
  readonly typeName: typeof ValueSchema.typeName;
  /** Never set: carries `T` for the type checker. */
  readonly sample?: T;
}

/** The type of an event's data: a protobuf message type, or plain JSON. */
export type EventDataType = DescMessage | JsonDataType<JsonValue>;

/** The data that a data type stands for. */
export type DataOf<D> = D extends DescMessage
  ? MessageShape<D>
  : D extends JsonDataType<infer T>
    ? T
    : never;

/** A defined event. `Data` is what its publishers pass as data (`never`: it has none). */
export interface EventDefinition<Data = never> {
  readonly name: string;
  readonly description: string;
  /** Any one of these rights on one of the event's entities makes it visible. */
  readonly visibility: readonly RightName[];
  readonly dataType: EventDataType | undefined;
  /** Never set: carries `Data` for the type checker. */
  readonly sample?: Data;
}

/** JSON data of type `T`, sent as `google.protobuf.Value`. */
export function jsonData<T extends JsonValue>(): JsonDataType<T> {
  return { kind: "json", typeName: ValueSchema.typeName };
}

/** The paths of the fields an update changed (The Things Stack's "updated fields" data). */
export const updatedFieldsData = jsonData<string[]>();

/** Event names as The Things Stack writes them: lower case words joined by `.`, `_` or `-`. */
const namePattern = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

const definitions = new Map<string, EventDefinition<unknown>>();
let version = 0;

/**
 * Defines an event. Names are unique in the process: defining a name twice throws, so two
 * components cannot publish different things under one name.
 */
export function defineEvent<const D extends EventDataType | undefined = undefined>(
  name: string,
  options: { description: string; visibility: readonly RightName[]; dataType?: D },
): EventDefinition<D extends EventDataType ? DataOf<D> : never> {
  if (!namePattern.test(name)) throw new Error(`event name \`${name}\` is not valid`);
  if (definitions.has(name)) throw new Error(`event \`${name}\` is defined twice`);
  const definition: EventDefinition<D extends EventDataType ? DataOf<D> : never> = Object.freeze({
    name,
    description: options.description,
    visibility: Object.freeze([...options.visibility]),
    dataType: options.dataType,
  });
  definitions.set(name, definition as EventDefinition<unknown>);
  version++;
  return definition;
}

/** The definition of an event name, if it is defined. */
export function eventDefinition(name: string): EventDefinition<unknown> | undefined {
  return definitions.get(name);
}

/** Every defined event name, sorted. */
export function definedEventNames(): string[] {
  return [...definitions.keys()].sort();
}

/** Changes whenever an event is defined (caches of name filters key on it). */
export function definitionsVersion(): number {
  return version;
}

/** Throws unless `definition` is the registered definition of its name. */
export function requireDefined(definition: EventDefinition<unknown>): void {
  if (definitions.get(definition.name) !== definition)
    throw errUndefinedEvent.create({ name: definition.name });
}

/** Throws unless `data` is of the definition's data type (or absent). */
export function requireDataOfType(definition: EventDefinition<unknown>, data: unknown): void {
  if (data === undefined) return;
  const type = definition.dataType;
  const valid =
    type === undefined ? false : type.kind === "json" ? isJsonValue(data) : isMessage(data, type);
  if (!valid)
    throw errInvalidEventData.create({
      name: definition.name,
      data_type: type?.typeName ?? "(none)",
    });
}

function isJsonValue(value: unknown): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object":
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(isJsonValue);
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      return Object.values(value).every(isJsonValue);
    default:
      return false;
  }
}

let registryCache: { version: number; registry: Registry } | undefined;

/**
 * The message types event data may hold: every defined message data type and
 * `google.protobuf.Value` (JSON data). The JSON writers need it to write data with `@type`.
 */
export function eventDataRegistry(): Registry {
  if (registryCache?.version === version) return registryCache.registry;
  const types = new Map<string, DescMessage>([[ValueSchema.typeName, ValueSchema]]);
  for (const definition of definitions.values()) {
    const type = definition.dataType;
    if (type && type.kind === "message") types.set(type.typeName, type);
  }
  const registry = createRegistry(...types.values());
  registryCache = { version, registry };
  return registry;
}

export {
  type DataOf,
  definedEventNames,
  defineEvent,
  type EventDataType,
  type EventDefinition,
  eventDataRegistry,
  eventDefinition,
  type JsonDataType,
  jsonData,
  updatedFieldsData,
} from "./definition.ts";
export {
  errConsumerTooSlow,
  errInvalidRegexp,
  errNoMatchingEvents,
  errRegexpTimeout,
  errUnknownEventName,
} from "./errors.ts";
export {
  applicationOfDevice,
  type EntityKind,
  type EntityRef,
  entityKey,
  type StackEvent,
} from "./event.ts";
export {
  EventBus,
  type EventBusOptions,
  type EventFilter,
  type PublishInput,
} from "./event-bus.ts";
export { entityIdentifiersOf, entityRefOf } from "./identifiers.ts";
export { type NamePatternOptions, NamePatternResolver } from "./name-patterns.ts";
export { evtStreamStart } from "./stream-events.ts";
export type { EventSubscription, OverflowPolicy } from "./subscription.ts";
export { eventCodec, fromEventMessage, toEventMessage } from "./wire.ts";

export type { EntityKind, EntityRef, StackEvent } from "./event.ts";
export {
  EventBus,
  type EventFilter,
  type EventSubscription,
  type PublishInput,
} from "./event-bus.ts";

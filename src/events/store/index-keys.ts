import { maxCorrelationIdLength } from "../correlation.ts";
import { applicationOfDevice, type EntityRef, entityKey, type StackEvent } from "../event.ts";

/** Correlation ids of one event that are indexed at most (each one costs a write). */
const maxIndexedCorrelationIds = 16;

/** The index key of an entity's history: `application:app-1`, `end_device:app-1.dev-1`. */
export function entityIndexKey(entity: EntityRef): string {
  return `entity:${entityKey(entity)}`;
}

/** The index key of a correlation id's events. */
export function correlationIndexKey(correlationId: string): string {
  return `correlation:${correlationId}`;
}

/** Whether a correlation id can be indexed and looked up (1 to 100 characters). */
export function indexableCorrelationId(correlationId: string): boolean {
  return correlationId.length > 0 && correlationId.length <= maxCorrelationIdLength;
}

/**
 * The index keys an event is stored under: each of its entities, the application of each of
 * its end devices (an application's history includes its devices', as its stream does), and
 * its correlation ids.
 */
export function indexKeysOf(event: StackEvent): {
  entities: Set<string>;
  correlations: Set<string>;
} {
  const entities = new Set<string>();
  for (const ref of event.identifiers) {
    entities.add(entityIndexKey(ref));
    const application = applicationOfDevice(ref);
    if (application) entities.add(entityIndexKey(application));
  }
  const correlations = new Set<string>();
  for (const id of event.correlationIds) {
    if (correlations.size >= maxIndexedCorrelationIds) break;
    if (indexableCorrelationId(id)) correlations.add(correlationIndexKey(id));
  }
  return { entities, correlations };
}

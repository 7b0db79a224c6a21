import { create } from "@bufbuild/protobuf";
import { errNoCredentials } from "../auth/errors.ts";
import { rightsSubject } from "../auth/peer-rights-fetcher.ts";
import type { RightName } from "../auth/rights/index.ts";
import type { RightsFetcher } from "../auth/rights-fetcher.ts";
import { DefinedError } from "../errors/index.ts";
import {
  type Event,
  EventSchema,
  type FindRelatedEventsRequest,
  type FindRelatedEventsResponse,
  FindRelatedEventsResponseSchema,
} from "../gen/ttn/lorawan/v3/events_pb.js";
import { maxCorrelationIdLength } from "./correlation.ts";
import { errInvalidCorrelationId, errStorageDisabled } from "./errors.ts";
import { type EntityRef, entityKey, type StackEvent } from "./event.ts";
import type { EventStore } from "./store/event-store.ts";
import { isVisible } from "./visibility.ts";
import { toEventMessage } from "./wire.ts";

/** Errors of a rights lookup that mean "no rights here", not "could not find out". */
const refusalCodes = new Set(["unauthenticated", "permission_denied", "not_found"]);

/**
 * `Events.FindRelated` as The Things Stack answers it: every stored event with the correlation
 * id, newest first, to any authenticated caller; the events the caller may not see (no
 * visibility right on any of their entities) are cut to their name, time, identifiers, origin,
 * visibility and unique id — their data, correlation ids and context stay private.
 */
export async function findRelated(
  request: FindRelatedEventsRequest,
  options: { store: EventStore | undefined; rights: RightsFetcher; authorization: string | null },
): Promise<FindRelatedEventsResponse> {
  const { store, rights, authorization } = options;
  if (!store) throw errStorageDisabled.create();
  const correlationId = request.correlationId;
  if (correlationId.length === 0 || correlationId.length > maxCorrelationIdLength)
    throw errInvalidCorrelationId.create({ max: maxCorrelationIdLength });
  if (!authorization) throw errNoCredentials.create();
  await rights.authInfo(authorization);

  const events = await store.related(correlationId);
  const held = new Map<string, ReadonlySet<RightName>>();
  for (const event of events) {
    for (const ref of event.identifiers) {
      const subject = rightsSubject(ref);
      const key = entityKey(subject);
      if (!held.has(key)) held.set(key, await rightsOrNone(rights, authorization, subject));
    }
  }
  const heldOn = (ref: EntityRef) => held.get(entityKey(rightsSubject(ref)));
  return create(FindRelatedEventsResponseSchema, {
    events: events.map((event) =>
      isVisible(event, heldOn) ? toEventMessage(event) : redacted(event),
    ),
  });
}

async function rightsOrNone(
  rights: RightsFetcher,
  authorization: string,
  entity: EntityRef,
): Promise<ReadonlySet<RightName>> {
  try {
    return await rights.rightsOn(authorization, entity);
  } catch (error) {
    if (error instanceof DefinedError && refusalCodes.has(error.code)) return new Set();
    throw error;
  }
}

/** What everyone may know of an event: no data, correlation ids, context or caller details. */
function redacted(event: StackEvent): Event {
  const whole = toEventMessage(event);
  return create(EventSchema, {
    name: whole.name,
    time: whole.time,
    identifiers: whole.identifiers,
    origin: whole.origin,
    visibility: whole.visibility,
    uniqueId: whole.uniqueId,
  });
}

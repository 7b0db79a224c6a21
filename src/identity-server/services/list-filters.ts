import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { errorNamespace } from "../../errors/index.ts";
import { fromTimestamp } from "./convert.ts";

const errors = errorNamespace("identity-server/services/list-filters");
/** `updated_since` must lie in the past, as The Things Stack's `lt_now` rule asks. */
export const errUpdatedSinceInFuture = errors.invalidArgument(
  "updated_since_in_future",
  "invalid `filters.updated_since`: {updated_since} is not in the past",
);

/** One condition of a list request's `filters` (ListGatewaysRequest, ListEndDevicesRequest). */
export interface ListFilter {
  field: { case: "updatedSince"; value: Timestamp } | { case: undefined; value?: undefined };
}

/**
 * The time a list request's filters ask entities to be updated since (the latest, when several
 * name one: all conditions hold), or `undefined` when none does.
 */
export function updatedSinceOf(
  filters: readonly ListFilter[] | undefined,
  now: Date = new Date(),
): Date | undefined {
  let since: Date | undefined;
  for (const filter of filters ?? []) {
    if (filter.field.case !== "updatedSince") continue;
    const date = fromTimestamp(filter.field.value) as Date;
    if (date.getTime() >= now.getTime())
      throw errUpdatedSinceInFuture.create({ updated_since: date.toISOString() });
    if (!since || date > since) since = date;
  }
  return since;
}

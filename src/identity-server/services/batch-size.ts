import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("identity-server/services/batch");
/** A batch request names too few or too many entities. */
export const errBatchSize = errors.invalidArgument(
  "batch_size",
  "invalid `{field}`: name between 1 and {max} entities, not {count}",
);

/** The distinct IDs of a batch request, checked to number 1 to `max`. */
export function batchIds(ids: readonly string[], field: string, max: number): string[] {
  const distinct = [...new Set(ids)];
  if (distinct.length === 0 || distinct.length > max)
    throw errBatchSize.create({ field, max, count: distinct.length });
  return distinct;
}

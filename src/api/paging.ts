import { errorNamespace } from "../errors/index.ts";

const define = errorNamespace("api/paging");

/**
 * The Things Stack's paging of List and Search calls: a call without `limit` (or with 0) gets
 * a page of 100 (TTS's default since 3.33); a `limit` above 1000 is invalid (its requests'
 * `lte: 1000` rule); `page` counts from 1, and 0 means 1.
 */
export const pagingLimits = { defaultLimit: 100, maxLimit: 1000 } as const;

/** A `limit` above the maximum. */
export const errLimitTooLarge = define.invalidArgument(
  "limit_too_large",
  "invalid `limit`: {limit} is more than the maximum of {max}",
);

/** The page a List or Search request asks for, by TTS's rules ({@link pagingLimits}). */
export function requestedPage(request: { limit: number; page: number }): {
  limit: number;
  page: number;
} {
  if (request.limit > pagingLimits.maxLimit) {
    throw errLimitTooLarge.create({ limit: request.limit, max: pagingLimits.maxLimit });
  }
  return {
    limit: request.limit === 0 ? pagingLimits.defaultLimit : request.limit,
    page: Math.max(request.page, 1),
  };
}

import { z } from "zod";
import { boolean, type ConfigSection, duration, type SectionValues } from "../config/index.ts";

/** A count leaf; text from the environment is accepted. */
function count(defaultValue: number, minimum: number, description: string) {
  return z
    .union([z.number(), z.string().regex(/^\d+$/, "expected a whole number").transform(Number)])
    .pipe(z.number().int().min(minimum))
    .default(defaultValue)
    .describe(description);
}

/**
 * The events' configuration keys: `events.store.*` (history, with The Things Stack's retention
 * defaults: 10 minutes, 100 events per entity and per correlation id) and `events.stream.*`.
 */
export const eventsConfig = {
  shape: {
    events: z
      .strictObject({
        store: z
          .strictObject({
            enable: boolean(
              true,
              "keep recent events for the stream's tail and after, and for FindRelated",
            ),
            backend: z
              .enum(["auto", "database", "redis"])
              .default("auto")
              .describe(
                'where history is kept: "redis", "database", or "auto" (Redis when redis.uri is set, else the database)',
              ),
            ttl: duration("10m", "how long an event is kept").refine((ms) => ms > 0, {
              message: "expected a duration longer than 0 (events.store.enable turns history off)",
            }),
            entity_count: count(
              100,
              1,
              "events kept per entity: the most a stream's tail or after replays for one entity",
            ),
            correlation_id_count: count(
              100,
              1,
              "events kept per correlation id: the most FindRelated returns",
            ),
            flush_interval: duration(
              "10ms",
              "how long a published event waits for others so that they are written together",
            ),
            prune_interval: duration(
              "1m",
              "how often events past the retention are deleted from the database (Redis expires them itself)",
            ),
          })
          .prefault({}),
        stream: z
          .strictObject({
            max_per_caller: count(
              100,
              0,
              "event streams one account (a user, or the entity owning an API key) may have open on one instance; 0: no limit",
            ),
            rights_check_interval: duration(
              "5m",
              "how often open streams check their caller's rights again besides when a change is seen; 0: only then",
            ),
          })
          .prefault({}),
      })
      .prefault({}),
  },
} satisfies ConfigSection;

/** The validated `events` section. */
export type EventsConfig = SectionValues<typeof eventsConfig>;

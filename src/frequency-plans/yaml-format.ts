// The Things Stack's frequency plan format (the lorawan-frequency-plans repository): an index,
// frequency-plans.yml, and one YAML file per plan. Keys are kebab-case; every key is checked,
// so that a misspelt key is an error instead of a setting silently left at its default.
import { z } from "zod";
import { parseGoDuration } from "./go-duration.ts";

/** Highest frequency accepted anywhere (Hz): above every LoRaWAN band, below nonsense. */
const maxFrequency = 10_000_000_000;

const frequency = z
  .number({ error: "expected a frequency in Hz" })
  .int("expected a whole number of Hz")
  .positive("expected a frequency in Hz")
  .max(maxFrequency, "expected a frequency in Hz");
const dataRate = z
  .number({ error: "expected a data rate index" })
  .int("expected a data rate index")
  .min(0, "expected a data rate index from 0 to 15")
  .max(15, "expected a data rate index from 0 to 15");
const index = z.number({ error: "expected an index" }).int("expected an index").min(0).max(255);
const decibels = z.number({ error: "expected a number (dB or dBm)" }).min(-200).max(200);

/** A Go duration (`400ms`) or integer nanoseconds, as nanoseconds. */
const goDuration = z.union([z.string(), z.number()]).transform((value, context) => {
  const nanoseconds = parseGoDuration(value);
  if (nanoseconds === undefined) {
    context.addIssue({
      code: "custom",
      message: 'expected a duration such as "400ms" or "1s", or integer nanoseconds',
    });
    return z.NEVER;
  }
  return nanoseconds;
});

/** Known keys we do not support, with what to do instead (clearer than "unknown key"). */
const unsupported = {
  "dwell-time": z
    .never({ error: "per-channel dwell time is not supported; use the plan's dwell-time" })
    .optional(),
};

const channel = z.strictObject({
  frequency,
  "min-data-rate": dataRate,
  "max-data-rate": dataRate,
  radio: index.optional(),
  ...unsupported,
});

/** RX2 and ping slot channels: only the frequency is used; the data rate has its own key. */
const singleChannel = z.strictObject({
  frequency,
  "min-data-rate": dataRate.optional(),
  "max-data-rate": dataRate.optional(),
  radio: index.optional(),
  ...unsupported,
});

const singleDataRateChannel = z.strictObject({
  frequency,
  "data-rate": dataRate,
  radio: index.default(0),
  ...unsupported,
});

/** One plan file; every key optional (a variant file may hold a single setting). */
export const planFileSchema = z.strictObject({
  "band-id": z.string().min(1).optional(),
  "sub-bands": z
    .array(
      z.strictObject({
        "min-frequency": frequency,
        "max-frequency": frequency,
        "duty-cycle": z
          .number({ error: "expected a fraction from 0 to 1" })
          .min(0, "expected a fraction from 0 to 1")
          .max(1, "expected a fraction from 0 to 1")
          .optional(),
        "max-eirp": decibels.optional(),
      }),
    )
    .optional(),
  "uplink-channels": z.array(channel).min(1, "expected at least one channel").optional(),
  "downlink-channels": z.array(channel).min(1, "expected at least one channel").optional(),
  "lora-standard-channel": singleDataRateChannel.optional(),
  "fsk-channel": singleDataRateChannel.optional(),
  "time-off-air": z
    .strictObject({
      fraction: z.number().min(0).max(1000).optional(),
      duration: goDuration.optional(),
    })
    .optional(),
  "dwell-time": z
    .strictObject({
      uplinks: z.boolean().optional(),
      downlinks: z.boolean().optional(),
      duration: goDuration.optional(),
    })
    .optional(),
  "listen-before-talk": z
    .strictObject({
      "rssi-target": decibels,
      "rssi-offset": decibels.optional(),
      "scan-time": goDuration,
    })
    .optional(),
  radios: z
    .array(
      z.strictObject({
        enable: z.boolean(),
        "chip-type": z.enum(["SX1255", "SX1257", "SX1250"]),
        frequency,
        "rssi-offset": decibels.optional(),
        tx: z
          .strictObject({
            "min-frequency": frequency,
            "max-frequency": frequency,
            "notch-frequency": frequency.optional(),
          })
          .optional(),
      }),
    )
    .max(8, "expected at most 8 radios")
    .optional(),
  "clock-source": index.optional(),
  "ping-slot": singleChannel.optional(),
  "ping-slot-default-data-rate": dataRate.optional(),
  "rx2-channel": singleChannel.optional(),
  "rx2-default-data-rate": dataRate.optional(),
  "max-eirp": decibels.optional(),
});

/** The validated content of one plan file. */
export type PlanFile = z.output<typeof planFileSchema>;

/** Identifiers of plans: letters, digits, `_`, `-` and `.`, as in `EU_863_870`. */
const planId = z
  .string({ error: "expected a frequency plan id" })
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9])?$/, {
    message: "expected a frequency plan id of letters, digits, _ - and . (at most 64)",
  });

/** One entry of `frequency-plans.yml`. */
export const indexEntrySchema = z.strictObject({
  id: planId,
  "band-id": z.string({ error: "expected a band id such as EU_863_870" }).min(1),
  "base-id": planId.optional(),
  name: z.string({ error: "expected a name" }).min(1, "expected a name"),
  description: z.string().default(""),
  "base-frequency": z
    .number({ error: "expected the band's nominal frequency in MHz, such as 868" })
    .int()
    .positive()
    .max(10_000)
    .optional(),
  gateways: z.boolean().default(false),
  "country-codes": z
    .array(
      z
        .string()
        .regex(/^[A-Za-z]{2}$/, { message: "expected an ISO 3166-1 alpha-2 country code" })
        .transform((code) => code.toLowerCase()),
    )
    .default([]),
  file: z.string({ error: "expected the plan's file name" }).min(1),
});

/** The index: a list of plan entries. */
export const indexSchema = z.array(indexEntrySchema, { error: "expected a list of plans" });

/** One validated index entry. */
export type IndexEntry = z.output<typeof indexEntrySchema>;

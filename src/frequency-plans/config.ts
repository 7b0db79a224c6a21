import { z } from "zod";
import { boolean, type ConfigSection, type SectionValues } from "../config/index.ts";

/** Where operator-supplied frequency plans come from: `frequency_plans.*`. */
export const frequencyPlansConfig = {
  shape: {
    frequency_plans: z
      .strictObject({
        directory: z
          .string()
          .default("")
          .describe(
            "folder with frequency-plans.yml and plan files in The Things Stack's format, added to the built-in plans; empty for built-in plans only",
          ),
        replace_builtin: boolean(
          false,
          "let a plan in frequency_plans.directory replace the built-in plan of the same id",
        ),
      })
      .prefault({}),
  },
} satisfies ConfigSection;

/** The validated `frequency_plans` section. */
export type FrequencyPlansConfig = SectionValues<typeof frequencyPlansConfig>;

import { resolve } from "node:path";
import { z } from "zod";
import type { ConfigSection, SectionValues } from "../config/index.ts";

/** Where `npm run build:console` puts the Console: `<repository>/dist/console`. */
export const defaultConsoleDir = resolve(import.meta.dirname, "..", "..", "dist", "console");

/** The Console's configuration keys: `console.*`. */
export const consoleConfig = {
  shape: {
    console: z
      .strictObject({
        ui: z
          .strictObject({
            dir: z
              .string()
              .default("")
              .describe(
                "folder of the built Console (index.html and assets/); empty: dist/console of this installation",
              ),
          })
          .prefault({}),
      })
      .prefault({}),
  },
} satisfies ConfigSection;

/** The validated `console` section. */
export type ConsoleConfig = SectionValues<typeof consoleConfig>;

/** `console.ui.dir` as an absolute folder (relative to the working directory), or the default. */
export function consoleDir(section: ConsoleConfig): string {
  return section.console.ui.dir ? resolve(section.console.ui.dir) : defaultConsoleDir;
}

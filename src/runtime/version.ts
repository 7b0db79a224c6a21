import { readFileSync } from "node:fs";

/** The lorastack version from package.json. */
export const lorastackVersion: string = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

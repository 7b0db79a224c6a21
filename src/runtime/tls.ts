import { readFileSync } from "node:fs";
import type { SecureContextOptions } from "node:tls";
import { type Config, errInvalidConfiguration } from "../config/index.ts";

/**
 * The TLS material from `tls.certificate` and `tls.key`, or `undefined` when TLS is not
 * configured. An unreadable file is a configuration error naming the key.
 */
export function loadTls(config: Config): SecureContextOptions | undefined {
  if (config.tls.certificate === "" || config.tls.key === "") return undefined;
  return {
    cert: readConfigFile("tls.certificate", config.tls.certificate),
    key: readConfigFile("tls.key", config.tls.key),
  };
}

function readConfigFile(key: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw errInvalidConfiguration.create(
      { details: `${key} = ${JSON.stringify(file)}: cannot read the file (${reason})` },
      error,
    );
  }
}

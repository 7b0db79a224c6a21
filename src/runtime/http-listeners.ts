import { readFileSync } from "node:fs";
import type { SecureContextOptions } from "node:tls";
import { type Config, errInvalidConfiguration, parseListenAddress } from "../config/index.ts";
import type { HttpListener } from "../http/http-server.ts";

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

/** The HTTP listeners to open: plain when `http.listen` is set, TLS when also TLS is configured. */
export function httpListeners(
  config: Config,
  tls: SecureContextOptions | undefined,
): HttpListener[] {
  const listeners: HttpListener[] = [];
  const plain = config.http.listen === "" ? undefined : parseListenAddress(config.http.listen);
  if (plain) listeners.push({ name: "http", address: plain });
  const secure =
    config.http.listen_tls === "" ? undefined : parseListenAddress(config.http.listen_tls);
  if (secure && tls) listeners.push({ name: "http (tls)", address: secure, tls });
  return listeners;
}

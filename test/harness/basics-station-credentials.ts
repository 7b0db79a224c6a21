/**
 * Basics Station with LNS credentials: `tc.trust` (the server's CA certificate) and `tc.key`
 * holding an `Authorization` header, as station 2.0.6 reads token authentication (it sends
 * the header only over TLS: `wss://` in `tc.uri`). Started with the driver of
 * ../shared/peers/lib/station.mjs, like test/harness/gateway-peers.ts does without them.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { loadPeerDriver, type Station } from "./peer-drivers.ts";

export interface StationCredentials {
  /** `wss://127.0.0.1:<port>` of the LNS. */
  tcUri: string;
  /** `routerid`, e.g. 00-16-C0-01-FF-FE-00-02. */
  eui: string;
  /** PEM of the certificate station trusts (the server's own, self-signed). */
  trust: Buffer;
  /** The `Authorization` header's value, e.g. `Bearer NNSXS...`. */
  authorization: string;
}

/** Starts station with `tc.trust` and `tc.key` in its home folder. */
export async function startBasicsStationWithCredentials(
  options: StationCredentials,
): Promise<Station> {
  const { startStation } = await loadPeerDriver("station.mjs");
  const workDir = await mkdtemp(join(tmpdir(), "lorastack-station-tls-"));
  await writeFile(join(workDir, "tc.trust"), options.trust);
  await writeFile(join(workDir, "tc.key"), `Authorization: ${options.authorization}\r\n`);
  return startStation({ tcUri: options.tcUri, routerEui: options.eui, workDir });
}

/** A self-signed certificate station's mbedtls accepts for `127.0.0.1` (a DNS name entry). */
export interface StationServerCertificate {
  certificateFile: string;
  keyFile: string;
  certificate: Buffer;
  remove(): Promise<void>;
}

/**
 * Makes the certificate with `openssl`: mbedtls 2.28 matches the host name of `tc.uri`
 * against DNS entries only, so `127.0.0.1` is one; `undefined` without openssl.
 */
export async function makeStationServerCertificate(): Promise<
  StationServerCertificate | undefined
> {
  const folder = await mkdtemp(join(tmpdir(), "lorastack-station-cert-"));
  const certificateFile = join(folder, "certificate.pem");
  const keyFile = join(folder, "key.pem");
  try {
    await promisify(execFile)("openssl", [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=DNS:127.0.0.1",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-days",
      "1",
      "-keyout",
      keyFile,
      "-out",
      certificateFile,
    ]);
  } catch {
    await rm(folder, { recursive: true, force: true });
    return undefined;
  }
  return {
    certificateFile,
    keyFile,
    certificate: await readFile(certificateFile),
    remove: () => rm(folder, { recursive: true, force: true }),
  };
}

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "./run.ts";

/** A self-signed certificate for `localhost` and 127.0.0.1, in PEM files of a scratch folder. */
export interface TestCertificate {
  certificateFile: string;
  keyFile: string;
  certificate: Buffer;
  key: Buffer;
  /** Removes the files. */
  remove(): Promise<void>;
}

/**
 * Makes a self-signed certificate with `openssl` (P-256, valid for a day, subject alternative
 * names `localhost` and `127.0.0.1`); `undefined` when openssl is not available.
 */
export async function makeTestCertificate(): Promise<TestCertificate | undefined> {
  const folder = await mkdtemp(join(tmpdir(), "lorastack-tls-"));
  const certificateFile = join(folder, "certificate.pem");
  const keyFile = join(folder, "key.pem");
  const made = await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-subj",
    "/CN=localhost",
    "-addext",
    "subjectAltName=DNS:localhost,IP:127.0.0.1",
    "-days",
    "1",
    "-keyout",
    keyFile,
    "-out",
    certificateFile,
  ]).catch(() => undefined);
  if (made?.code !== 0) {
    await rm(folder, { recursive: true, force: true });
    return undefined;
  }
  return {
    certificateFile,
    keyFile,
    certificate: await readFile(certificateFile),
    key: await readFile(keyFile),
    remove: () => rm(folder, { recursive: true, force: true }),
  };
}

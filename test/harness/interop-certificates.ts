import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "./run.ts";

/** A CA and a client certificate it signed, in PEM files of a scratch folder. */
export interface SenderCredentials {
  caFile: string;
  certificateFile: string;
  keyFile: string;
  ca: Buffer;
  certificate: Buffer;
  key: Buffer;
}

/**
 * Backend Interfaces credentials made with `openssl` in one scratch folder: per sender a CA and
 * a client certificate signed by it; `caDirectory` holds `<SenderID>.pem` for the senders made
 * with `trusted` (the layout of `interop.sender_client_ca.directory`).
 */
export interface InteropCertificates {
  folder: string;
  caDirectory: string;
  sender(name: string, options?: { trusted?: boolean }): Promise<SenderCredentials>;
  remove(): Promise<void>;
}

async function openssl(args: string[]): Promise<void> {
  const result = await run("openssl", args);
  if (result.code !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
}

/** `undefined` when openssl is not available. */
export async function makeInteropCertificates(): Promise<InteropCertificates | undefined> {
  const available = await run("openssl", ["version"]).catch(() => undefined);
  if (available?.code !== 0) return undefined;
  const folder = await mkdtemp(join(tmpdir(), "lorastack-interop-"));
  const caDirectory = join(folder, "senders");
  await mkdir(caDirectory);
  const curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  return {
    folder,
    caDirectory,
    async sender(name, options = {}) {
      const base = join(folder, name);
      await mkdir(base, { recursive: true });
      const caFile = join(base, "ca.pem");
      const caKey = join(base, "ca-key.pem");
      const keyFile = join(base, "client-key.pem");
      const request = join(base, "client.csr");
      const certificateFile = join(base, "client.pem");
      const extensions = join(base, "client.ext");
      await openssl([
        "req",
        "-x509",
        ...curve,
        "-subj",
        `/CN=${name} CA`,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        "-days",
        "1",
        "-keyout",
        caKey,
        "-out",
        caFile,
      ]);
      await openssl([
        "req",
        "-new",
        ...curve,
        "-subj",
        `/CN=${name}`,
        "-keyout",
        keyFile,
        "-out",
        request,
      ]);
      await writeFile(extensions, "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n");
      await openssl([
        "x509",
        "-req",
        "-in",
        request,
        "-CA",
        caFile,
        "-CAkey",
        caKey,
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        extensions,
        "-out",
        certificateFile,
      ]);
      const ca = await readFile(caFile);
      if (options.trusted ?? true) await writeFile(join(caDirectory, `${name}.pem`), ca);
      return {
        caFile,
        certificateFile,
        keyFile,
        ca,
        certificate: await readFile(certificateFile),
        key: await readFile(keyFile),
      };
    },
    remove: () => rm(folder, { recursive: true, force: true }),
  };
}

/**
 * Who may send what: the certificate authorities of each sender, one `<SenderID>.pem` per
 * sender in `interop.sender_client_ca.directory` (as The Things Stack's
 * `interop.sender-client-ca`), and the check that a client certificate was issued by the CA
 * of the SenderID a message names.
 */

import { X509Certificate } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { errorNamespace } from "../errors/index.ts";

const errors = errorNamespace("interop/senders");

export const errSenderCaDirectory = errors.failedPrecondition(
  "sender_ca_directory",
  "cannot read the sender client CAs in `{directory}`: {reason}",
);
export const errSenderCaFile = errors.failedPrecondition(
  "sender_ca_file",
  "`{file}` holds no readable PEM certificate",
);

const pemBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM text; throws on a block that is not a certificate. */
export function parsePemCertificates(text: string): X509Certificate[] {
  return (text.match(pemBlock) ?? []).map((block) => new X509Certificate(block));
}

/** SenderIDs compare case-insensitively: NetIDs and JoinEUIs are hex, written in either case. */
function senderKey(senderId: string): string {
  return senderId.toLowerCase();
}

export class SenderAuthorities {
  readonly #authorities = new Map<string, X509Certificate[]>();

  /** `authorities` by SenderID. */
  constructor(authorities: Iterable<[string, X509Certificate[]]> = []) {
    for (const [senderId, certificates] of authorities) {
      this.#authorities.set(senderKey(senderId), certificates);
    }
  }

  /**
   * Reads every `<SenderID>.pem` of `directory` ("" for none). A file without a certificate or
   * a folder that cannot be read fails at start, naming it.
   */
  static fromDirectory(directory: string): SenderAuthorities {
    if (directory === "") return new SenderAuthorities();
    let names: string[];
    try {
      names = readdirSync(directory).filter((name) => name.endsWith(".pem"));
    } catch (error) {
      throw errSenderCaDirectory.create({ directory, reason: String(error) }, error);
    }
    const entries: [string, X509Certificate[]][] = [];
    for (const name of names) {
      const file = join(directory, name);
      let certificates: X509Certificate[];
      try {
        certificates = parsePemCertificates(readFileSync(file, "utf8"));
      } catch (error) {
        throw errSenderCaFile.create({ file }, error);
      }
      if (certificates.length === 0) throw errSenderCaFile.create({ file });
      entries.push([name.slice(0, -".pem".length), certificates]);
    }
    return new SenderAuthorities(entries);
  }

  get size(): number {
    return this.#authorities.size;
  }

  /** Every CA, PEM encoded: what the TLS listener offers as acceptable issuers. */
  allPem(): string[] {
    return [...this.#authorities.values()].flat().map((certificate) => certificate.toString());
  }

  /**
   * Whether the peer of `socket` presented a certificate that TLS verified and that one of
   * `senderId`'s CAs issued (and signed). No TLS, no certificate, an unknown SenderID or
   * another sender's CA: false.
   */
  authenticates(socket: unknown, senderId: string): boolean {
    const authorities = this.#authorities.get(senderKey(senderId));
    if (!authorities || !isTlsSocket(socket) || !socket.authorized) return false;
    const peer = socket.getPeerX509Certificate();
    if (!peer) return false;
    return authorities.some(
      (authority) => peer.checkIssued(authority) && peer.verify(authority.publicKey),
    );
  }
}

function isTlsSocket(socket: unknown): socket is TLSSocket {
  return (
    typeof socket === "object" &&
    socket !== null &&
    (socket as { encrypted?: unknown }).encrypted === true &&
    typeof (socket as TLSSocket).getPeerX509Certificate === "function"
  );
}

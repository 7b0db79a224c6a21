import { randomUUID } from "node:crypto";

/** An e-mail to one recipient, as plain text. */
export interface EmailMessage {
  fromAddress: string;
  fromName?: string;
  toAddress: string;
  toName?: string;
  subject: string;
  /** Plain text; lines are broken at `\n`. */
  text: string;
}

/** Printable ASCII that needs no encoding in a quoted-printable body (everything but `=`). */
function plain(byte: number): boolean {
  return byte >= 33 && byte <= 126 && byte !== 61;
}

function hexByte(byte: number): string {
  return `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
}

/**
 * The text as quoted-printable (RFC 2045 6.7), CRLF lines of at most 76 characters: UTF-8
 * bytes outside printable ASCII and `=` as `=XX`, spaces and tabs kept except at the end of a
 * line, soft line breaks (`=`) where lines are long.
 */
export function quotedPrintable(text: string): string {
  const out: string[] = [];
  for (const line of text.replace(/\r\n?/g, "\n").split("\n")) {
    const bytes = Buffer.from(line, "utf8");
    const tokens: string[] = [];
    bytes.forEach((byte, index) => {
      const last = index === bytes.length - 1;
      if (plain(byte) || ((byte === 32 || byte === 9) && !last))
        tokens.push(String.fromCharCode(byte));
      else tokens.push(hexByte(byte));
    });
    let current = "";
    for (const token of tokens) {
      // 75 plus the soft break's `=` makes 76.
      if (current.length + token.length > 75) {
        out.push(`${current}=`);
        current = "";
      }
      current += token;
    }
    out.push(current);
  }
  return out.join("\r\n");
}

/** A header value as-is when it is printable ASCII, else an RFC 2047 encoded word. */
export function encodeHeaderText(value: string): string {
  const oneLine = value.replace(/[\r\n]+/g, " ");
  if (/^[\x20-\x7e]*$/.test(oneLine)) return oneLine;
  return `=?UTF-8?B?${Buffer.from(oneLine, "utf8").toString("base64")}?=`;
}

/** `"Name" <address>`, or the bare address without a name. */
function mailbox(address: string, name: string | undefined): string {
  if (!/^[^\s<>"]+@[^\s<>"]+$/.test(address)) throw new Error("invalid e-mail address");
  if (!name) return `<${address}>`;
  const encoded = encodeHeaderText(name);
  const display = encoded.startsWith("=?") ? encoded : `"${encoded.replace(/["\\]/g, "\\$&")}"`;
  return `${display} <${address}>`;
}

/**
 * The whole message (RFC 5322 headers and a quoted-printable UTF-8 body) with CRLF line ends.
 * Names and subjects are kept to one line and encoded when not ASCII, so that no value can add
 * a header of its own.
 */
export function formatEmail(message: EmailMessage, date = new Date()): string {
  const domain = message.fromAddress.slice(message.fromAddress.lastIndexOf("@") + 1);
  const headers = [
    `From: ${mailbox(message.fromAddress, message.fromName)}`,
    `To: ${mailbox(message.toAddress, message.toName)}`,
    `Subject: ${encodeHeaderText(message.subject)}`,
    `Date: ${date.toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: <${randomUUID()}@${domain}>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable",
  ];
  return `${headers.join("\r\n")}\r\n\r\n${quotedPrintable(message.text)}\r\n`;
}

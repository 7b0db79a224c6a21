import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeHeaderText, formatEmail, quotedPrintable } from "./message.ts";

/** Decodes quoted-printable (RFC 2045 6.7) back to text, as a mail reader does. */
function decodeQuotedPrintable(encoded: string): string {
  const joined = encoded.replace(/=\r\n/g, "");
  const bytes: number[] = [];
  for (let index = 0; index < joined.length; index++) {
    const char = joined[index] as string;
    if (char === "=") {
      bytes.push(Number.parseInt(joined.slice(index + 1, index + 3), 16));
      index += 2;
    } else bytes.push(...Buffer.from(char, "latin1"));
  }
  return Buffer.from(bytes).toString("utf8").replace(/\r\n/g, "\n");
}

describe("e-mail messages", () => {
  it("encodes bodies as quoted-printable that decodes to the text", () => {
    const text = `Hello Zoë,\n\nyour token: abc=def\ntrailing space \n.dot line\n${"long ".repeat(40)}end\n日本語`;
    const encoded = quotedPrintable(text);
    assert.equal(decodeQuotedPrintable(encoded), text);
    for (const line of encoded.split("\r\n")) {
      assert.ok(line.length <= 76, `line too long: ${line.length}`);
      assert.match(line, /^[\x21-\x7e \t]*$/, "7-bit printable only");
      assert.doesNotMatch(line, /[ \t]$/, "no trailing white space");
    }
    assert.match(encoded, /abc=3Ddef/);
  });

  it("keeps header values on one line and encodes what is not ASCII", () => {
    assert.equal(encodeHeaderText("Plain subject"), "Plain subject");
    assert.equal(encodeHeaderText("a\r\nBcc: x@example.com"), "a Bcc: x@example.com");
    assert.equal(encodeHeaderText("Zoë"), `=?UTF-8?B?${Buffer.from("Zoë").toString("base64")}?=`);
  });

  it("formats a whole message whose values cannot add headers", () => {
    const message = formatEmail(
      {
        fromAddress: "noreply@lns.example.com",
        fromName: "The Network",
        toAddress: "zoe@example.com",
        toName: 'Zoë "the admin"\r\nBcc: evil@example.com',
        subject: "Your login token\nBcc: evil@example.com",
        text: "token: x",
      },
      new Date("2026-03-01T10:00:00Z"),
    );
    const [head = "", body] = message.split("\r\n\r\n");
    const headers = head.split("\r\n");
    assert.equal(headers.filter((line) => /^bcc:/i.test(line)).length, 0);
    assert.ok(headers.includes('From: "The Network" <noreply@lns.example.com>'));
    assert.ok(headers.includes("Subject: Your login token Bcc: evil@example.com"));
    assert.ok(headers.includes("Date: Sun, 01 Mar 2026 10:00:00 +0000"));
    assert.ok(headers.some((line) => /^Message-ID: <[0-9a-f-]+@lns\.example\.com>$/.test(line)));
    assert.ok(headers.includes("Content-Transfer-Encoding: quoted-printable"));
    assert.match(
      headers.find((line) => line.startsWith("To:")) ?? "",
      /^To: =\?UTF-8\?B\?[^?]+\?= <zoe@example\.com>$/,
    );
    assert.equal(body, "token: x\r\n");
    assert.throws(() =>
      formatEmail({ fromAddress: "a@b", toAddress: "x>\r\nBcc: y@z", subject: "", text: "" }),
    );
  });
});

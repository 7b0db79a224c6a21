import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { TestSmtpServer } from "../../../test/harness/smtp-server.ts";
import {
  makeTestCertificate,
  type TestCertificate,
} from "../../../test/harness/tls-certificate.ts";
import {
  dotStuff,
  errSmtpConnection,
  errSmtpNoAuth,
  errSmtpNoTls,
  errSmtpRefused,
  type SmtpOptions,
  sendSmtp,
} from "./smtp-client.ts";

let certificate: TestCertificate | undefined;
before(async () => {
  certificate = await makeTestCertificate();
});
after(async () => {
  await certificate?.remove();
});

function options(server: TestSmtpServer, extra: Partial<SmtpOptions> = {}): SmtpOptions {
  const [host = "", port = ""] = server.address.split(":");
  return {
    host,
    port: Number(port),
    tls: "starttls",
    timeoutMs: 5000,
    clientName: "test",
    ...extra,
  };
}

const message = "Subject: hi\r\n\r\nline one\r\n.starts with a dot\r\n..two dots\r\n.\r\nend\r\n";

async function withServer(
  serverOptions: Parameters<typeof TestSmtpServer.start>[0],
  body: (server: TestSmtpServer) => Promise<void>,
) {
  const server = await TestSmtpServer.start(serverOptions);
  try {
    await body(server);
  } finally {
    await server.stop();
  }
}

async function rejectsWith(
  promise: Promise<unknown>,
  definition: { matches(e: unknown): boolean; name: string },
) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(definition.matches(error), `expected ${definition.name}, got ${String(error)}`);
    return true;
  });
}

describe("dot-stuffing", () => {
  it("doubles a leading dot on every line and ends with the lone dot", () => {
    assert.equal(dotStuff("a\r\n.b\r\n..c\r\n.\r\n"), "a\r\n..b\r\n...c\r\n..\r\n.\r\n");
    assert.equal(dotStuff("a\nb"), "a\r\nb\r\n.\r\n", "bare newlines become CRLF");
  });
});

describe("SMTP client", () => {
  it("delivers a message without TLS or AUTH, dots intact after unstuffing", () =>
    withServer({}, async (server) => {
      await sendSmtp(options(server), {
        from: "a@example.com",
        to: ["b@example.com"],
        data: message,
      });
      const [received] = server.received;
      assert.equal(received?.from, "a@example.com");
      assert.deepEqual(received?.to, ["b@example.com"]);
      assert.equal(received?.data, message);
      assert.equal(received?.secure, false);
      assert.deepEqual(server.commands, [
        "EHLO test",
        "MAIL FROM:<a@example.com>",
        "RCPT TO:<b@example.com>",
        "DATA",
        "QUIT",
      ]);
    }));

  it("upgrades with STARTTLS and authenticates with AUTH PLAIN", async (t) => {
    if (!certificate) return t.skip("openssl is not available");
    const cert = certificate;
    await withServer(
      {
        tls: { certificate: cert.certificate, key: cert.key },
        mechanisms: ["PLAIN", "LOGIN"],
        credentials: { user: "mailer", password: "s3cret" },
      },
      async (server) => {
        await sendSmtp(
          options(server, {
            username: "mailer",
            password: "s3cret",
            ca: cert.certificate,
            host: "localhost",
          }),
          {
            from: "a@example.com",
            to: ["b@example.com", "c@example.com"],
            data: message,
          },
        );
        const [received] = server.received;
        assert.equal(received?.secure, true);
        assert.equal(received?.user, "mailer");
        assert.equal(received?.mechanism, "PLAIN");
        assert.deepEqual(received?.to, ["b@example.com", "c@example.com"]);
        assert.deepEqual(
          server.commands.slice(0, 4).map((command) => command.split(" ")[0]),
          ["EHLO", "STARTTLS", "EHLO", "AUTH"],
        );
      },
    );
  });

  it("authenticates with AUTH LOGIN when PLAIN is not offered", async (t) => {
    if (!certificate) return t.skip("openssl is not available");
    const cert = certificate;
    await withServer(
      {
        tls: { certificate: cert.certificate, key: cert.key },
        mechanisms: ["LOGIN"],
        credentials: { user: "mailer", password: "pässword" },
      },
      async (server) => {
        await sendSmtp(
          options(server, {
            username: "mailer",
            password: "pässword",
            ca: cert.certificate,
            host: "localhost",
          }),
          { from: "a@example.com", to: ["b@example.com"], data: message },
        );
        assert.equal(server.received[0]?.mechanism, "LOGIN");
      },
    );
  });

  it("refuses to send credentials when the server offers no STARTTLS", () =>
    withServer(
      { mechanisms: ["PLAIN"], credentials: { user: "u", password: "p" } },
      async (server) => {
        await rejectsWith(
          sendSmtp(options(server, { username: "u", password: "p" }), {
            from: "a@example.com",
            to: ["b@example.com"],
            data: message,
          }),
          errSmtpNoTls,
        );
        assert.ok(
          !server.commands.some((command) => command.startsWith("AUTH")),
          "no AUTH in the clear",
        );
        // ...unless told to with tls: none.
        await sendSmtp(options(server, { username: "u", password: "p", tls: "none" }), {
          from: "a@example.com",
          to: ["b@example.com"],
          data: message,
        });
        assert.equal(server.received.length, 1);
      },
    ));

  it("rejects a certificate it does not trust", async (t) => {
    if (!certificate) return t.skip("openssl is not available");
    const cert = certificate;
    await withServer({ tls: { certificate: cert.certificate, key: cert.key } }, async (server) => {
      await rejectsWith(
        sendSmtp(options(server, { host: "localhost" }), {
          from: "a@example.com",
          to: ["b@example.com"],
          data: message,
        }),
        errSmtpConnection,
      );
      assert.equal(server.received.length, 0);
    });
  });

  it("reports refusals with the command and the server's answer, never the credentials", async (t) => {
    if (!certificate) return t.skip("openssl is not available");
    const cert = certificate;
    await withServer(
      {
        tls: { certificate: cert.certificate, key: cert.key },
        mechanisms: ["PLAIN"],
        credentials: { user: "u", password: "right" },
        refuseRecipient: "nobody@example.com",
      },
      async (server) => {
        const base = options(server, { username: "u", ca: cert.certificate, host: "localhost" });
        await assert.rejects(
          sendSmtp(
            { ...base, password: "wrong-password" },
            { from: "a@example.com", to: ["b@example.com"], data: message },
          ),
          (error: Error) => {
            assert.ok(errSmtpRefused.matches(error));
            assert.match(error.message, /AUTH PLAIN: 535$/);
            assert.doesNotMatch(error.message, /wrong-password|d3JvbmctcGFzc3dvcmQ/);
            return true;
          },
        );
        await assert.rejects(
          sendSmtp(
            { ...base, password: "right" },
            { from: "a@example.com", to: ["nobody@example.com"], data: message },
          ),
          /RCPT TO: 550 5\.1\.1 no such user/,
        );
      },
    );
  });

  it("fails when the server offers no mechanism it knows", async (t) => {
    if (!certificate) return t.skip("openssl is not available");
    const cert = certificate;
    await withServer({ tls: { certificate: cert.certificate, key: cert.key } }, async (server) => {
      await rejectsWith(
        sendSmtp(
          options(server, {
            username: "u",
            password: "p",
            ca: cert.certificate,
            host: "localhost",
          }),
          {
            from: "a@example.com",
            to: ["b@example.com"],
            data: message,
          },
        ),
        errSmtpNoAuth,
      );
    });
  });

  it("falls back to HELO when EHLO is refused", () =>
    withServer({ refuseEhlo: true }, async (server) => {
      await sendSmtp(options(server), {
        from: "a@example.com",
        to: ["b@example.com"],
        data: message,
      });
      assert.deepEqual(server.commands.slice(0, 2), ["EHLO test", "HELO test"]);
      assert.equal(server.received.length, 1);
    }));

  it("refuses envelope addresses that could inject commands", () =>
    withServer({}, async (server) => {
      await rejectsWith(
        sendSmtp(options(server), {
          from: "a@example.com",
          to: ["b@example.com>\r\nRCPT TO:<c@example.com"],
          data: message,
        }),
        errSmtpRefused,
      );
      assert.ok(!server.commands.some((command) => command.includes("c@example.com")));
    }));

  it("times out on a server that never answers, and on one that is not there", async () => {
    const silent = createServer(() => {});
    silent.listen(0, "127.0.0.1");
    await once(silent, "listening");
    const port = (silent.address() as { port: number }).port;
    try {
      await rejectsWith(
        sendSmtp(
          { host: "127.0.0.1", port, tls: "none", timeoutMs: 200, clientName: "t" },
          {
            from: "a@example.com",
            to: ["b@example.com"],
            data: message,
          },
        ),
        errSmtpConnection,
      );
    } finally {
      silent.close();
    }
    await rejectsWith(
      sendSmtp(
        { host: "127.0.0.1", port, tls: "none", timeoutMs: 1000, clientName: "t" },
        {
          from: "a@example.com",
          to: ["b@example.com"],
          data: message,
        },
      ),
      errSmtpConnection,
    );
  });

  it("refuses a server that sends an endless line", async () => {
    const flood = createServer((socket) => {
      socket.on("error", () => {});
      socket.write(`220 ${"x".repeat(100 * 1024)}`);
    });
    flood.listen(0, "127.0.0.1");
    await once(flood, "listening");
    const port = (flood.address() as { port: number }).port;
    try {
      await assert.rejects(
        sendSmtp(
          { host: "127.0.0.1", port, tls: "none", timeoutMs: 2000, clientName: "t" },
          {
            from: "a@example.com",
            to: ["b@example.com"],
            data: message,
          },
        ),
        /reply too long/,
      );
    } finally {
      flood.close();
    }
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry } from "prom-client";
import { TestSmtpServer } from "../../../test/harness/smtp-server.ts";
import type { IdentityServerConfig } from "../config.ts";
import { createMailer, errUnreadableTlsCa, maxQueuedEmails } from "./mailer.ts";

type Settings = IdentityServerConfig["email"];

function settings(smtp: Partial<Settings["smtp"]> = {}): Settings {
  return {
    sender_address: "noreply@lns.example.com",
    sender_name: "LNS",
    network: { name: "LNS", identity_server_url: "", console_url: "" },
    smtp: {
      address: "",
      username: "",
      password: "",
      tls: "starttls",
      tls_ca: "",
      connections: 1,
      timeout: 5000,
      ...smtp,
    },
  };
}

function recordingLogger() {
  const lines: { level: "info" | "error"; fields: Record<string, unknown>; message: string }[] = [];
  return {
    lines,
    info: (fields: object, message: string) =>
      lines.push({ level: "info", fields: fields as Record<string, unknown>, message }),
    error: (fields: object, message: string) =>
      lines.push({ level: "error", fields: fields as Record<string, unknown>, message }),
  };
}

const email = {
  template: "login_token",
  to: "zoe@example.com",
  toName: "Zoë",
  subject: "Login token",
  text: "token: SECRET",
};

async function counter(metrics: Registry, name: string): Promise<number> {
  const metric = (await metrics.getMetricsAsJSON()).find((entry) => entry.name === name);
  return (metric?.values ?? []).reduce((sum, value) => sum + Number(value.value), 0);
}

describe("mailer", () => {
  it("writes e-mails to the log at info level when no SMTP server is configured", async () => {
    const logger = recordingLogger();
    const mailer = createMailer(settings(), logger);
    mailer.send(email);
    await mailer.idle();
    assert.equal(logger.lines.length, 1);
    const [line] = logger.lines;
    assert.equal(line?.level, "info");
    assert.match(line?.message ?? "", /no SMTP server configured/);
    assert.deepEqual(line?.fields.email, {
      template: "login_token",
      to: "zoe@example.com",
      subject: "Login token",
      text: "token: SECRET",
    });
  });

  it("sends through the SMTP server in the background", async () => {
    const server = await TestSmtpServer.start();
    try {
      const logger = recordingLogger();
      const metrics = new Registry();
      const mailer = createMailer(settings({ address: server.address }), logger, metrics);
      mailer.send(email);
      mailer.send({ ...email, to: "bob@example.com" });
      await mailer.idle();
      assert.deepEqual(
        server.received.map((message) => message.to),
        [["zoe@example.com"], ["bob@example.com"]],
      );
      assert.equal(server.received[0]?.from, "noreply@lns.example.com");
      assert.match(server.received[0]?.data ?? "", /\r\nSubject: Login token\r\n/);
      assert.match(server.received[0]?.data ?? "", /\r\n\r\ntoken: SECRET\r\n$/);
      assert.deepEqual(logger.lines, []);
      assert.equal(await counter(metrics, "lorastack_emails_sent_total"), 2);
    } finally {
      await server.stop();
    }
  });

  it("logs a failure without the message, and counts it", async () => {
    const server = await TestSmtpServer.start({ refuseRecipient: "zoe@example.com" });
    try {
      const logger = recordingLogger();
      const metrics = new Registry();
      const mailer = createMailer(settings({ address: server.address }), logger, metrics);
      mailer.send(email);
      await mailer.idle();
      assert.equal(logger.lines.length, 1);
      const [line] = logger.lines;
      assert.equal(line?.level, "error");
      assert.equal(line?.fields.template, "login_token");
      assert.match(String(line?.fields.error), /550/);
      assert.doesNotMatch(JSON.stringify(line), /SECRET/);
      assert.equal(await counter(metrics, "lorastack_emails_failed_total"), 1);
    } finally {
      await server.stop();
    }
  });

  it("names the key when email.smtp.tls_ca cannot be read", () => {
    assert.throws(
      () =>
        createMailer(
          settings({ address: "localhost:25", tls_ca: "/no/such/file.pem" }),
          recordingLogger(),
        ),
      (error: Error) =>
        errUnreadableTlsCa.matches(error) && /email\.smtp\.tls_ca/.test(error.message),
    );
  });

  it("drops and counts e-mails beyond the queue bound instead of growing", async () => {
    // A server that accepts connections and never answers keeps the first e-mail in flight.
    const { createServer } = await import("node:net");
    const sockets = new Set<import("node:net").Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const logger = recordingLogger();
      const metrics = new Registry();
      const mailer = createMailer(
        settings({ address: `127.0.0.1:${port}`, timeout: 300 }),
        logger,
        metrics,
      );
      for (let index = 0; index < maxQueuedEmails + 3; index++) mailer.send(email);
      assert.equal(
        await counter(metrics, "lorastack_emails_dropped_total"),
        2,
        "one in flight, the bound waiting",
      );
      assert.equal(logger.lines.filter((line) => /dropped/.test(line.message)).length, 2);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});

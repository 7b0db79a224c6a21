import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { Counter, type Registry } from "prom-client";
import { errorNamespace } from "../../errors/index.ts";
import type { IdentityServerConfig } from "../config.ts";
import { formatEmail } from "./message.ts";
import { type SmtpOptions, sendSmtp } from "./smtp-client.ts";

const errors = errorNamespace("identity-server/email/mailer");
/** `email.smtp.tls_ca` names a file that cannot be read. */
export const errUnreadableTlsCa = errors.failedPrecondition(
  "unreadable_tls_ca",
  "email.smtp.tls_ca: cannot read {file}: {reason}",
);

/** An e-mail the Identity Server sends: to one user, plain text. */
export interface OutgoingEmail {
  /** Which message it is (`temporary_password`, `login_token`, ...), for logs and metrics. */
  template: string;
  to: string;
  toName?: string;
  subject: string;
  text: string;
}

/**
 * Sends e-mail in the background: `send` queues and returns at once, so that a slow or absent
 * server never holds up an API request; a failure is logged (without the message) and counted.
 */
export interface Mailer {
  send(email: OutgoingEmail): void;
  /** Resolves once every e-mail queued so far was sent or failed (tests, shutdown). */
  idle(): Promise<void>;
}

/** The logging the mailer needs (pino's signature). */
export interface MailerLogger {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** E-mails waiting beyond this are dropped (and counted): memory stays bounded. */
export const maxQueuedEmails = 1000;

type EmailSettings = IdentityServerConfig["email"];

/**
 * The mailer the configuration asks for: through `email.smtp.address` when set, otherwise one
 * that writes each e-mail, with its text, to the log at info level (for a network without an
 * SMTP server, where an operator reads tokens from the log). Reads `email.smtp.tls_ca` now, so
 * that a missing file fails at start.
 */
export function createMailer(
  settings: EmailSettings,
  logger: MailerLogger,
  metrics?: Registry,
): Mailer {
  const counters = emailCounters(metrics);
  const sender = settings.smtp.address === "" ? logSender(logger) : smtpSender(settings);
  return new QueuedMailer(settings, sender, logger, counters);
}

type Sender = (email: OutgoingEmail, data: string) => Promise<void>;

function logSender(logger: MailerLogger): Sender {
  return async (email) => {
    logger.info(
      {
        email: { template: email.template, to: email.to, subject: email.subject, text: email.text },
      },
      "e-mail written to the log instead of sent: no SMTP server configured (email.smtp.address)",
    );
  };
}

function smtpSender(settings: EmailSettings): Sender {
  const { smtp } = settings;
  const separator = smtp.address.lastIndexOf(":");
  const host = smtp.address.slice(0, separator).replace(/^\[(.*)\]$/, "$1");
  const options: SmtpOptions = {
    host,
    port: Number(smtp.address.slice(separator + 1)),
    tls: smtp.tls,
    username: smtp.username || undefined,
    password: smtp.password || undefined,
    ca: smtp.tls_ca ? readCertificateAuthorities(smtp.tls_ca) : undefined,
    timeoutMs: smtp.timeout,
    clientName: hostname() || "localhost",
  };
  return (email, data) =>
    sendSmtp(options, { from: settings.sender_address, to: [email.to], data });
}

function readCertificateAuthorities(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw errUnreadableTlsCa.create({ file, reason: (error as Error).message });
  }
}

class QueuedMailer implements Mailer {
  readonly #settings: EmailSettings;
  readonly #sender: Sender;
  readonly #logger: MailerLogger;
  readonly #counters: ReturnType<typeof emailCounters>;
  readonly #queue: OutgoingEmail[] = [];
  readonly #idle: (() => void)[] = [];
  #active = 0;

  constructor(
    settings: EmailSettings,
    sender: Sender,
    logger: MailerLogger,
    counters: ReturnType<typeof emailCounters>,
  ) {
    this.#settings = settings;
    this.#sender = sender;
    this.#logger = logger;
    this.#counters = counters;
  }

  send(email: OutgoingEmail): void {
    if (this.#queue.length >= maxQueuedEmails) {
      this.#counters.dropped.inc({ template: email.template });
      this.#logger.error(
        { template: email.template, to: email.to, queued: this.#queue.length },
        "e-mail dropped: too many e-mails waiting to be sent",
      );
      return;
    }
    this.#queue.push(email);
    this.#pump();
  }

  idle(): Promise<void> {
    if (this.#active === 0 && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    while (this.#active < this.#settings.smtp.connections) {
      const email = this.#queue.shift();
      if (!email) break;
      this.#active++;
      void this.#deliver(email).finally(() => {
        this.#active--;
        this.#pump();
        if (this.#active === 0 && this.#queue.length === 0)
          for (const resolve of this.#idle.splice(0)) resolve();
      });
    }
  }

  async #deliver(email: OutgoingEmail): Promise<void> {
    try {
      const data = formatEmail({
        fromAddress: this.#settings.sender_address,
        fromName: this.#settings.sender_name,
        toAddress: email.to,
        toName: email.toName,
        subject: email.subject,
        text: email.text,
      });
      await this.#sender(email, data);
      this.#counters.sent.inc({ template: email.template });
    } catch (error) {
      this.#counters.failed.inc({ template: email.template });
      this.#logger.error(
        { template: email.template, to: email.to, error: (error as Error).message },
        "e-mail could not be sent",
      );
    }
  }
}

function emailCounters(metrics: Registry | undefined) {
  const registers = metrics ? [metrics] : [];
  const counter = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ["template"], registers });
  return {
    sent: counter("lorastack_emails_sent_total", "E-mails sent (or written to the log)"),
    failed: counter("lorastack_emails_failed_total", "E-mails the SMTP server did not take"),
    dropped: counter("lorastack_emails_dropped_total", "E-mails dropped: the queue was full"),
  };
}

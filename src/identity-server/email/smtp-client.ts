import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls, rootCertificates, type TLSSocket } from "node:tls";
import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("identity-server/email");

/** The server answered a command with an error, or something the protocol does not allow. */
export const errSmtpRefused = errors.unavailable(
  "smtp_refused",
  "SMTP server refused {command}: {reply}",
);
/** The connection failed, closed early or timed out. */
export const errSmtpConnection = errors.unavailable(
  "smtp_connection",
  "SMTP connection to {address} failed: {reason}",
);
/** Credentials are configured but the server offers no TLS to send them over. */
export const errSmtpNoTls = errors.failedPrecondition(
  "smtp_no_tls",
  "SMTP server {address} offers no STARTTLS; credentials are not sent in the clear",
);
/** The server offers no authentication mechanism the client has (PLAIN, LOGIN). */
export const errSmtpNoAuth = errors.failedPrecondition(
  "smtp_no_auth",
  "SMTP server {address} offers no AUTH PLAIN or LOGIN",
);

/** How to reach and talk to an SMTP server. */
export interface SmtpOptions {
  host: string;
  port: number;
  /** `starttls`: upgrade when offered (required with credentials); `implicit`: TLS from the start. */
  tls: "starttls" | "implicit" | "none";
  username?: string;
  password?: string;
  /** Certificate authorities to trust besides the system's (PEM). */
  ca?: string | Buffer;
  /** Time allowed for each reply. */
  timeoutMs: number;
  /** The name this client gives in EHLO. */
  clientName: string;
}

/** One message to deliver: the envelope and the whole message (headers and body, CRLF lines). */
export interface SmtpEnvelope {
  from: string;
  to: readonly string[];
  data: string;
}

/** A reply: its code and text lines. */
interface Reply {
  code: number;
  lines: string[];
}

/** Replies longer than this are refused (a hostile or broken server). */
const maxReplyBytes = 64 * 1024;

/**
 * Reads SMTP replies from a socket: lines `250-...` continue a reply, `250 ...` ends it. The
 * reader can move to another socket (the TLS one after STARTTLS); nothing is buffered across
 * that move, because the server says nothing until the handshake is done.
 */
class ReplyReader {
  #socket: Socket | undefined;
  #buffer = "";
  #lines: string[] = [];
  #replies: Reply[] = [];
  #waiter: { resolve: (reply: Reply) => void; reject: (error: Error) => void } | undefined;
  #failure: Error | undefined;
  readonly #describe: (reason: string) => Error;

  constructor(describe: (reason: string) => Error) {
    this.#describe = describe;
  }

  readonly #onData = (chunk: Buffer) => {
    if (this.#failure) return;
    this.#buffer += chunk.toString("utf8");
    if (this.#buffer.length > maxReplyBytes) {
      this.#fail(this.#describe("reply too long"));
      return;
    }
    let end = this.#buffer.indexOf("\n");
    while (end >= 0 && !this.#failure) {
      const line = this.#buffer.slice(0, end).replace(/\r$/, "");
      this.#buffer = this.#buffer.slice(end + 1);
      this.#line(line);
      end = this.#buffer.indexOf("\n");
    }
  };
  readonly #onError = (error: Error) => this.#fail(this.#describe(error.message));
  readonly #onClose = () => this.#fail(this.#describe("connection closed"));
  readonly #onTimeout = () => {
    this.#fail(this.#describe("timed out"));
    this.#socket?.destroy();
  };

  attach(socket: Socket, timeoutMs: number): void {
    this.detach();
    this.#socket = socket;
    socket.setTimeout(timeoutMs);
    socket.on("data", this.#onData);
    socket.on("error", this.#onError);
    socket.on("close", this.#onClose);
    socket.on("timeout", this.#onTimeout);
  }

  detach(): void {
    const socket = this.#socket;
    if (!socket) return;
    socket.off("data", this.#onData);
    socket.off("error", this.#onError);
    socket.off("close", this.#onClose);
    socket.off("timeout", this.#onTimeout);
    this.#socket = undefined;
  }

  /** The next whole reply. */
  next(): Promise<Reply> {
    const ready = this.#replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  #line(line: string): void {
    const match = /^(\d{3})([ -]?)(.*)$/.exec(line);
    if (!match) {
      this.#fail(this.#describe(`malformed reply line ${JSON.stringify(line.slice(0, 80))}`));
      return;
    }
    this.#lines.push(match[3] as string);
    if (match[2] === "-") return;
    const reply = { code: Number(match[1]), lines: this.#lines };
    this.#lines = [];
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter) waiter.resolve(reply);
    else this.#replies.push(reply);
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(this.#failure);
  }
}

/** Lines of the message with dot-stuffing (RFC 5321 4.5.2), ending with the lone dot. */
export function dotStuff(data: string): string {
  const lines = data.replace(/\r?\n/g, "\r\n").split("\r\n");
  if (lines.at(-1) === "") lines.pop();
  return `${lines.map((line) => (line.startsWith(".") ? `.${line}` : line)).join("\r\n")}\r\n.\r\n`;
}

/** An address fit for `MAIL FROM:<...>` / `RCPT TO:<...>`: no spaces, brackets or line breaks. */
function envelopeAddress(address: string): string {
  if (!/^[^\s<>]+@[^\s<>]+$/.test(address))
    throw errSmtpRefused.create({ command: "the address", reply: JSON.stringify(address) });
  return address;
}

function openSocket(options: SmtpOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket: Socket =
      options.tls === "implicit"
        ? connectTls({
            host: options.host,
            port: options.port,
            servername: serverName(options.host),
            ca: ca(options),
          })
        : connectTcp({ host: options.host, port: options.port });
    const ready = options.tls === "implicit" ? "secureConnect" : "connect";
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(options.timeoutMs, () => fail(new Error("timed out")));
    socket.once("error", fail);
    socket.once(ready, () => {
      socket.off("error", fail);
      resolve(socket);
    });
  });
}

function upgrade(socket: Socket, options: SmtpOptions): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = connectTls({ socket, servername: serverName(options.host), ca: ca(options) });
    secure.setTimeout(options.timeoutMs, () => {
      secure.destroy();
      reject(new Error("TLS handshake timed out"));
    });
    secure.once("error", reject);
    secure.once("secureConnect", () => {
      secure.off("error", reject);
      resolve(secure);
    });
  });
}

function ca(options: SmtpOptions) {
  // Without `ca` Node trusts its own store; an extra CA is added to that store, not put instead.
  return options.ca ? [...rootCertificates, options.ca] : undefined;
}

function serverName(host: string): string | undefined {
  // SNI takes host names only, not IP addresses.
  return /^[\d.]+$|:/.test(host) ? undefined : host;
}

/**
 * Delivers one message over SMTP (RFC 5321): EHLO (HELO when refused), STARTTLS when offered
 * or `implicit` TLS, AUTH PLAIN or LOGIN when credentials are given (only over TLS unless
 * `tls` is `none`), MAIL FROM, RCPT TO for each recipient, DATA with dot-stuffing, QUIT.
 * Rejects with `smtp_refused` (a 4xx/5xx reply), `smtp_connection`, `smtp_no_tls` or
 * `smtp_no_auth`; the error never contains the credentials or the message.
 */
export async function sendSmtp(options: SmtpOptions, envelope: SmtpEnvelope): Promise<void> {
  const address = `${options.host}:${options.port}`;
  const connectionError = (reason: string) => errSmtpConnection.create({ address, reason });
  let socket: Socket;
  try {
    socket = await openSocket(options);
  } catch (error) {
    throw connectionError((error as Error).message);
  }
  const reader = new ReplyReader(connectionError);
  reader.attach(socket, options.timeoutMs);
  const write = (line: string) => {
    socket.write(`${line}\r\n`);
  };
  const expect = async (command: string, accept: (code: number) => boolean): Promise<Reply> => {
    const reply = await reader.next();
    if (!accept(reply.code)) {
      // What a server says about a refused login may repeat what was sent: only its code.
      const text = command.startsWith("AUTH") ? "" : ` ${reply.lines.join(" ")}`;
      throw errSmtpRefused.create({ command, reply: `${reply.code}${text}`.slice(0, 300) });
    }
    return reply;
  };
  const command = (
    line: string,
    name: string,
    accept = (code: number) => code >= 200 && code < 300,
  ) => {
    write(line);
    return expect(name, accept);
  };

  try {
    await expect("the connection", (code) => code === 220);
    const hello = async (): Promise<Set<string>> => {
      write(`EHLO ${options.clientName}`);
      const reply = await reader.next();
      if (reply.code >= 200 && reply.code < 300)
        return new Set(reply.lines.slice(1).map((line) => line.toUpperCase()));
      await command(`HELO ${options.clientName}`, "HELO");
      return new Set();
    };
    let extensions = await hello();
    let secure = options.tls === "implicit";
    const credentials = options.username !== undefined && options.username !== "";

    if (options.tls === "starttls") {
      if (extensions.has("STARTTLS")) {
        await command("STARTTLS", "STARTTLS", (code) => code === 220);
        reader.detach();
        try {
          socket = await upgrade(socket, options);
        } catch (error) {
          throw connectionError((error as Error).message);
        }
        reader.attach(socket, options.timeoutMs);
        secure = true;
        extensions = await hello();
      } else if (credentials) {
        throw errSmtpNoTls.create({ address });
      }
    }

    if (credentials) {
      if (!secure && options.tls !== "none") throw errSmtpNoTls.create({ address });
      const mechanisms = new Set(
        [...extensions]
          .filter((line) => line.startsWith("AUTH ") || line.startsWith("AUTH="))
          .flatMap((line) => line.slice(5).split(/\s+/)),
      );
      const user = options.username ?? "";
      const password = options.password ?? "";
      if (mechanisms.has("PLAIN")) {
        const token = Buffer.from(`\0${user}\0${password}`, "utf8").toString("base64");
        await command(`AUTH PLAIN ${token}`, "AUTH PLAIN", (code) => code === 235);
      } else if (mechanisms.has("LOGIN")) {
        await command("AUTH LOGIN", "AUTH LOGIN", (code) => code === 334);
        await command(
          Buffer.from(user, "utf8").toString("base64"),
          "AUTH LOGIN (user)",
          (code) => code === 334,
        );
        await command(
          Buffer.from(password, "utf8").toString("base64"),
          "AUTH LOGIN (password)",
          (code) => code === 235,
        );
      } else {
        throw errSmtpNoAuth.create({ address });
      }
    }

    await command(`MAIL FROM:<${envelopeAddress(envelope.from)}>`, "MAIL FROM");
    for (const recipient of envelope.to)
      await command(`RCPT TO:<${envelopeAddress(recipient)}>`, "RCPT TO");
    await command("DATA", "DATA", (code) => code === 354);
    socket.write(dotStuff(envelope.data));
    await expect("the message", (code) => code >= 200 && code < 300);
    write("QUIT");
    // The message is accepted; a server that closes without answering QUIT changes nothing.
    await reader.next().catch(() => undefined);
  } finally {
    reader.detach();
    socket.on("error", () => {});
    socket.end();
    socket.destroy();
  }
}

import { EventEmitter, once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { TLSSocket } from "node:tls";

/** A message the test server accepted. */
export interface ReceivedEmail {
  from: string;
  to: string[];
  /** The message as sent, dot-stuffing undone, CRLF line ends. */
  data: string;
  /** Whether the conversation was over TLS when the message came. */
  secure: boolean;
  /** The user that authenticated, if any. */
  user?: string;
  /** The AUTH mechanism used, if any. */
  mechanism?: string;
}

export interface TestSmtpServerOptions {
  /** Offer STARTTLS with this certificate and key. */
  tls?: { certificate: Buffer; key: Buffer };
  /** AUTH mechanisms to offer (none: no AUTH extension). */
  mechanisms?: readonly ("PLAIN" | "LOGIN")[];
  /** Accepted credentials; with `mechanisms`, MAIL without AUTH is refused. */
  credentials?: { user: string; password: string };
  /** Refuse EHLO (502), so the client falls back to HELO. */
  refuseEhlo?: boolean;
  /** Refuse recipients with this address (550). */
  refuseRecipient?: string;
}

/**
 * A tiny SMTP server for tests (RFC 5321 just far enough): EHLO/HELO, STARTTLS, AUTH PLAIN and
 * LOGIN, MAIL, RCPT, DATA (with dot-unstuffing), RSET, NOOP, QUIT. Every accepted message is
 * kept in `received` and emitted as `message`; every command line is kept in `commands`.
 */
export class TestSmtpServer extends EventEmitter<{ message: [ReceivedEmail] }> {
  readonly received: ReceivedEmail[] = [];
  readonly commands: string[] = [];
  readonly #server: Server;
  readonly #options: TestSmtpServerOptions;
  readonly #sockets = new Set<Socket>();

  private constructor(options: TestSmtpServerOptions) {
    super();
    this.#options = options;
    this.#server = createServer((socket) => this.#converse(socket));
  }

  static async start(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
    const server = new TestSmtpServer(options);
    server.#server.listen(0, "127.0.0.1");
    await once(server.#server, "listening");
    return server;
  }

  /** `127.0.0.1:<port>`. */
  get address(): string {
    const address = this.#server.address();
    if (!address || typeof address === "string") throw new Error("not listening");
    return `127.0.0.1:${address.port}`;
  }

  /** The next message accepted from now on (or already waiting at `index`). */
  async nextMessage(index = this.received.length): Promise<ReceivedEmail> {
    const ready = this.received[index];
    if (ready) return ready;
    const [message] = await once(this, "message");
    return message as ReceivedEmail;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    this.#server.close();
    await once(this.#server, "close");
  }

  #converse(plain: Socket): void {
    let socket: Socket = plain;
    this.#sockets.add(plain);
    plain.on("close", () => this.#sockets.delete(plain));
    plain.on("error", () => {});
    const options = this.#options;
    let secure = false;
    let user: string | undefined;
    let mechanism: string | undefined;
    let from: string | undefined;
    let to: string[] = [];
    let data: string[] | undefined;
    let loginStep: "user" | "password" | undefined;
    let loginUser = "";
    let buffer = "";

    const reply = (line: string) => socket.write(`${line}\r\n`);
    const authenticate = (name: string, password: string, how: string) => {
      if (options.credentials?.user === name && options.credentials.password === password) {
        user = name;
        mechanism = how;
        reply("235 2.7.0 authenticated");
      } else reply("535 5.7.8 authentication failed");
    };

    const line = (text: string) => {
      if (data) {
        if (text === ".") {
          const message: ReceivedEmail = {
            from: from ?? "",
            to,
            data: `${data.join("\r\n")}\r\n`,
            secure,
          };
          if (user) message.user = user;
          if (mechanism) message.mechanism = mechanism;
          data = undefined;
          from = undefined;
          to = [];
          this.received.push(message);
          reply("250 2.0.0 queued");
          this.emit("message", message);
          return;
        }
        data.push(text.startsWith(".") ? text.slice(1) : text);
        return;
      }
      this.commands.push(text);
      if (loginStep === "user") {
        loginUser = Buffer.from(text, "base64").toString("utf8");
        loginStep = "password";
        reply(`334 ${Buffer.from("Password:").toString("base64")}`);
        return;
      }
      if (loginStep === "password") {
        loginStep = undefined;
        authenticate(loginUser, Buffer.from(text, "base64").toString("utf8"), "LOGIN");
        return;
      }
      const [verb = "", ...rest] = text.split(" ");
      const argument = rest.join(" ");
      switch (verb.toUpperCase()) {
        case "EHLO": {
          if (options.refuseEhlo) return reply("502 5.5.1 EHLO not supported");
          const extensions = ["8BITMIME"];
          if (options.tls && !secure) extensions.push("STARTTLS");
          if (options.mechanisms?.length) extensions.push(`AUTH ${options.mechanisms.join(" ")}`);
          const lines = ["test.smtp greets you", ...extensions];
          for (const [index, entry] of lines.entries())
            reply(`250${index === lines.length - 1 ? " " : "-"}${entry}`);
          return;
        }
        case "HELO":
          return reply("250 test.smtp");
        case "STARTTLS": {
          if (!options.tls || secure) return reply("502 5.5.1 no");
          reply("220 2.0.0 ready to start TLS");
          plain.removeAllListeners("data");
          const upgraded = new TLSSocket(plain, {
            isServer: true,
            cert: options.tls.certificate,
            key: options.tls.key,
          });
          upgraded.on("error", () => {});
          upgraded.on("data", receive);
          socket = upgraded;
          secure = true;
          buffer = "";
          return;
        }
        case "AUTH": {
          const [how = "", initial] = argument.split(" ");
          if (!options.mechanisms?.includes(how.toUpperCase() as "PLAIN"))
            return reply("504 5.5.4 mechanism not offered");
          if (how.toUpperCase() === "PLAIN") {
            const [, name = "", password = ""] = Buffer.from(initial ?? "", "base64")
              .toString("utf8")
              .split("\0");
            return authenticate(name, password, "PLAIN");
          }
          loginStep = "user";
          return reply(`334 ${Buffer.from("Username:").toString("base64")}`);
        }
        case "MAIL": {
          if (options.mechanisms?.length && !user)
            return reply("530 5.7.0 authentication required");
          from = /^FROM:<([^>]*)>/i.exec(argument)?.[1];
          return from === undefined ? reply("501 5.5.4 syntax") : reply("250 2.1.0 ok");
        }
        case "RCPT": {
          const recipient = /^TO:<([^>]*)>/i.exec(argument)?.[1];
          if (!recipient || from === undefined) return reply("503 5.5.1 bad sequence");
          if (recipient === options.refuseRecipient) return reply("550 5.1.1 no such user");
          to.push(recipient);
          return reply("250 2.1.5 ok");
        }
        case "DATA":
          if (to.length === 0) return reply("503 5.5.1 no recipients");
          data = [];
          return reply("354 end with <CRLF>.<CRLF>");
        case "RSET":
          from = undefined;
          to = [];
          return reply("250 2.0.0 ok");
        case "NOOP":
          return reply("250 2.0.0 ok");
        case "QUIT":
          reply("221 2.0.0 bye");
          socket.end();
          return;
        default:
          return reply("500 5.5.2 unknown command");
      }
    };

    const receive = (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      let end = buffer.indexOf("\r\n");
      while (end >= 0) {
        const text = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        line(text);
        end = buffer.indexOf("\r\n");
      }
    };
    plain.on("data", receive);
    reply("220 test.smtp ESMTP ready");
  }
}

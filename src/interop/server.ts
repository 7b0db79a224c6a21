/**
 * The Backend Interfaces server: one HTTP handler for `interop.listen` and `interop.listen_tls`
 * that reads a JSON message (at most {@link interopBodyLimit} bytes, any path, POST),
 * authenticates its SenderID by client certificate, dispatches it by MessageType to the handler
 * a component registered, and answers with the answer type, the request's TransactionID,
 * SenderID and ReceiverID swapped and a Result. Every failure is an answer with a result code;
 * nothing a sender writes can crash the process.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { Counter, type Registry } from "prom-client";
import type { Logger } from "../log/logger.ts";
import {
  type AnswerBodies,
  answerHeader,
  answerTypes,
  checkProtocolVersion,
  type PartialHeader,
  type ReadableRequestType,
  type RequestMessages,
  readPartialHeader,
  readRequest,
} from "./messages.ts";
import {
  errMalformedMessage,
  errUnknownSender,
  type ProtocolVersion,
  type Result,
  resultOf,
} from "./result-codes.ts";
import type { SenderAuthorities } from "./sender-authorities.ts";

/** The largest message read, as The Things Stack's interop server (32 KiB). */
export const interopBodyLimit = 32 * 1024;

/** What a handler knows of a request besides the message itself. */
export interface InteropRequestContext {
  protocolVersion: ProtocolVersion;
  /** The SenderID, authenticated by the sender's client certificate. */
  senderId: string;
  /** The request's `X-Request-ID`, or "" (for correlation). */
  requestId: string;
}

/** Answers one request type: the answer's fields after its header and Result (Success). */
export type InteropHandler<T extends ReadableRequestType> = (
  request: RequestMessages[T],
  context: InteropRequestContext,
) => Promise<AnswerBodies[T]>;

/** Handlers by request type, as a component registers them (the Join Server's three). */
export type InteropHandlers = { [T in ReadableRequestType]?: InteropHandler<T> };

export interface InteropServerOptions {
  /** The CAs of each sender; without one a sender is never authenticated. */
  senders: SenderAuthorities;
  logger?: Logger;
  /** Where `lorastack_interop_requests_total` is registered. */
  metrics?: Registry;
}

const jsonHeaders = { "content-type": "application/json" };

class BodyTooLarge extends Error {}

export class InteropServer {
  readonly #senders: SenderAuthorities;
  readonly #logger: Logger | undefined;
  readonly #handlers: InteropHandlers = {};
  readonly #requests: Counter<"message_type" | "result"> | undefined;

  constructor(options: InteropServerOptions) {
    this.#senders = options.senders;
    this.#logger = options.logger;
    this.#requests = options.metrics
      ? new Counter({
          name: "lorastack_interop_requests_total",
          help: "Backend Interfaces requests by message type (unknown for others) and result code",
          labelNames: ["message_type", "result"],
          registers: [options.metrics],
        })
      : undefined;
  }

  /** Adds handlers; a request type has one handler (registering it twice throws). */
  register(handlers: InteropHandlers): void {
    for (const type of Object.keys(handlers) as ReadableRequestType[]) {
      if (this.#handlers[type]) throw new Error(`interop: ${type} already has a handler`);
    }
    Object.assign(this.#handlers, handlers);
  }

  /** The HTTP handler, for `listen.http` on the plain and the TLS listener alike. */
  readonly handle: RequestListener = (request, response) => {
    this.#serve(request, response).catch((error: unknown) => {
      this.#logger?.error({ err: error }, "interop: failed to answer");
      if (!response.headersSent) response.writeHead(500, jsonHeaders);
      response.end();
    });
  };

  async #serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== "POST") {
      this.#count("unknown", "MalformedRequest");
      return send(response, 405, {
        Result: { ResultCode: "MalformedRequest", Description: "POST a JSON message" },
      });
    }
    let text: string;
    try {
      text = await readBody(request, interopBodyLimit);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      this.#count("unknown", "FrameSizeError");
      response.setHeader("connection", "close");
      return send(response, 413, {
        Result: {
          ResultCode: "FrameSizeError",
          Description: `messages are at most ${interopBodyLimit} bytes`,
        },
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      this.#count("unknown", "MalformedRequest");
      return send(response, 400, {
        Result: { ResultCode: "MalformedRequest", Description: "the body is not a JSON object" },
      });
    }
    const header = readPartialHeader(body);
    const raw = (body as { ProtocolVersion?: unknown }).ProtocolVersion;
    const echoedVersion = typeof raw === "string" && raw.length <= 16 ? raw : "1.0";
    let version: ProtocolVersion = "1.0";
    let answer: Record<string, unknown>;
    try {
      version = checkProtocolVersion(raw);
      answer = {
        Result: { ResultCode: "Success" } satisfies Result,
        ...(await this.#dispatch(request, body, header, version)),
      };
    } catch (error) {
      const result = resultOf(error, version);
      if (result.ResultCode === "Other") {
        this.#logger?.warn({ err: error, message_type: header.MessageType }, "interop: failed");
      } else {
        this.#logger?.debug({ result, message_type: header.MessageType }, "interop: refused");
      }
      answer = { Result: result };
    }
    const type = knownType(header.MessageType);
    this.#count(type, (answer.Result as Result).ResultCode);
    send(response, 200, { ...answerHeader(header, echoedVersion), ...answer });
  }

  async #dispatch(
    request: IncomingMessage,
    body: object,
    header: PartialHeader,
    protocolVersion: ProtocolVersion,
  ): Promise<object> {
    const type = header.MessageType;
    const handler =
      type !== undefined && Object.hasOwn(this.#handlers, type)
        ? (this.#handlers[type as ReadableRequestType] as InteropHandler<ReadableRequestType>)
        : undefined;
    if (!handler) {
      throw errMalformedMessage.create({
        description: `MessageType ${JSON.stringify(type ?? null)} is not served here`,
      });
    }
    // Authentication comes before the message is read, so an unknown sender learns nothing
    // from the answers, not even which fields are wrong.
    const senderId = header.SenderID;
    if (senderId === undefined || !this.#senders.authenticates(request.socket, senderId)) {
      throw errUnknownSender.create({
        description: "the sender is not authenticated by a client certificate of its CA",
      });
    }
    const message = readRequest(type as ReadableRequestType, body);
    const requestId = request.headers["x-request-id"];
    return handler(message as never, {
      protocolVersion,
      senderId,
      requestId: typeof requestId === "string" ? requestId.slice(0, 128) : "",
    });
  }

  #count(messageType: string, result: string): void {
    this.#requests?.inc({ message_type: messageType, result });
  }
}

function knownType(type: string | undefined): string {
  return type !== undefined && Object.hasOwn(answerTypes, type) ? type : "unknown";
}

function send(response: ServerResponse, status: number, answer: object): void {
  response.writeHead(status, jsonHeaders);
  response.end(JSON.stringify(answer));
}

/** The body as text; rejects with BodyTooLarge past `limit` bytes without reading the rest. */
function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers["content-length"]);
    if (declared > limit) {
      request.resume();
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners("data");
        request.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/**
 * Helpers of the interop tests: posting a message over HTTP or HTTPS (with or without a client
 * certificate) and reading the JSON answer. Test-only; nothing in the program imports it.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export interface PostOptions {
  /** The server's certificate, trusted as CA. */
  ca?: Buffer;
  certificate?: Buffer;
  key?: Buffer;
}

export interface Posted {
  status: number;
  body: Record<string, unknown>;
}

/** POSTs `message` (an object as JSON, a string as it is) and parses the answer. */
export function post(url: string, message: unknown, options: PostOptions = {}): Promise<Posted> {
  const body = typeof message === "string" ? message : JSON.stringify(message);
  return new Promise((resolve, reject) => {
    const tls = url.startsWith("https:");
    const settings = {
      method: "POST",
      headers: { "content-type": "application/json" },
      ...(tls
        ? { ca: options.ca, cert: options.certificate, key: options.key, agent: false as const }
        : {}),
    };
    const outgoing = (tls ? httpsRequest : httpRequest)(url, settings, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        try {
          resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : {} });
        } catch (error) {
          reject(new Error(`not JSON: ${text}`, { cause: error }));
        }
      });
      response.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/** A JoinReq message with valid fields (the PHYPayload is any 23 bytes unless given). */
export function joinReqMessage(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ProtocolVersion: "1.1",
    SenderID: "000013",
    ReceiverID: "70B3D57ED0000000",
    TransactionID: 1234567,
    MessageType: "JoinReq",
    MACVersion: "1.0.3",
    PHYPayload: "00".repeat(23),
    DevEUI: "0004A30B001C0530",
    DevAddr: "26011234",
    DLSettings: "03",
    RxDelay: 1,
    ...fields,
  };
}

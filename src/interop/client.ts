/**
 * The Network Server's Backend Interfaces client: a JoinReq to the external Join Server
 * configured for the device's JoinEUI (`interop.join_servers`, the longest matching prefix
 * first), over HTTPS with our client certificate, and the JoinAns back as a JoinResponse, or
 * the typed error of its Result (src/interop/result-codes.ts).
 */
import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { type ClientRequest, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent, request as httpsRequest } from "node:https";
import { create } from "@bufbuild/protobuf";
import { z } from "zod";
import { errorNamespace } from "../errors/index.ts";
import {
  type JoinRequest,
  type JoinResponse,
  JoinResponseSchema,
} from "../gen/ttn/lorawan/v3/join_pb.js";
import {
  type KeyEnvelope,
  KeyEnvelopeSchema,
  SessionKeysSchema,
} from "../gen/ttn/lorawan/v3/keys_pb.js";
import { type CFList, CFListType, type DLSettings } from "../gen/ttn/lorawan/v3/lorawan_pb.js";
import { decodePhyPayload, encodeCfList } from "../lorawan/codec/index.ts";
import type { ExternalJoinServer } from "./config.ts";
import { hex, type KeyEnvelopeValue, keyEnvelope, macVersionName, toHex } from "./fields.ts";
import type { MessageHeader } from "./messages.ts";
import { errorOfResult } from "./result-codes.ts";
import { interopBodyLimit } from "./server.ts";

const errors = errorNamespace("interop/client");

export const errNoJoinServer = errors.notFound(
  "no_join_server",
  "no external Join Server is configured for JoinEUI `{join_eui}`",
);
export const errNoJoinEui = errors.invalidArgument(
  "no_join_eui",
  "the payload is not a join-request or rejoin-request with a JoinEUI",
);
export const errMacVersion = errors.invalidArgument(
  "mac_version",
  "LoRaWAN version `{version}` has no Backend Interfaces name",
);
export const errJoinServerUnreachable = errors.unavailable(
  "join_server_unreachable",
  "the Join Server at `{url}` did not answer: {reason}",
);
export const errInvalidAnswer = errors.dataLoss(
  "invalid_answer",
  "the Join Server at `{url}` sent an answer that is not a JoinAns to our JoinReq: {reason}",
);
export const errTlsFile = errors.failedPrecondition(
  "tls_file",
  "cannot read `{file}` for the Join Server at `{url}`",
);

interface Route {
  prefix: Uint8Array;
  bits: number;
  server: ExternalJoinServer;
  agent: Agent | undefined;
}

/** Whether the first `bits` bits of `eui` equal `prefix`'s. */
function matches(eui: Uint8Array, prefix: Uint8Array, bits: number): boolean {
  for (let bit = 0; bit < bits; bit++) {
    const mask = 0x80 >>> (bit % 8);
    const index = Math.floor(bit / 8);
    if (((eui[index] ?? 0) & mask) !== ((prefix[index] ?? 0) & mask)) return false;
  }
  return true;
}

function readTls(file: string, url: string): Buffer | undefined {
  if (file === "") return undefined;
  try {
    return readFileSync(file);
  } catch (error) {
    throw errTlsFile.create({ file, url }, error);
  }
}

const joinAns = z.object({
  MessageType: z.literal("JoinAns"),
  TransactionID: z.number(),
  Result: z.object({ ResultCode: z.string(), Description: z.string().optional() }),
});
const joinAnsSuccess = z.object({
  PHYPayload: hex("PHYPayload", 17, 33),
  Lifetime: z.number().int().min(0).optional(),
  SessionKeyID: hex("SessionKeyID").optional(),
  NwkSKey: keyEnvelope.optional(),
  FNwkSIntKey: keyEnvelope.optional(),
  SNwkSIntKey: keyEnvelope.optional(),
  NwkSEncKey: keyEnvelope.optional(),
  AppSKey: keyEnvelope.optional(),
});

function envelopeOf(value: KeyEnvelopeValue | undefined): KeyEnvelope | undefined {
  if (!value) return undefined;
  return value.KEKLabel === ""
    ? create(KeyEnvelopeSchema, { key: value.AESKey })
    : create(KeyEnvelopeSchema, { kekLabel: value.KEKLabel, encryptedKey: value.AESKey });
}

function dlSettingsByte(settings: DLSettings | undefined): number {
  if (!settings) return 0;
  return (
    (settings.optNeg ? 0x80 : 0) | ((settings.rx1DrOffset & 0x07) << 4) | (settings.rx2Dr & 0x0f)
  );
}

function cfListBytes(cfList: CFList | undefined): Uint8Array | undefined {
  if (!cfList) return undefined;
  const bytes = new Uint8Array(16);
  if (cfList.type === CFListType.CHANNEL_MASKS) {
    const channelMasks = [0, 0, 0, 0, 0, 0];
    cfList.chMasks.slice(0, 96).forEach((on, channel) => {
      if (on)
        channelMasks[channel >>> 4] = (channelMasks[channel >>> 4] ?? 0) | (1 << (channel & 15));
    });
    encodeCfList({ type: 1, channelMasks }, bytes, 0);
  } else {
    const frequencies = cfList.freq.slice(0, 5).map((unit) => unit * 100);
    while (frequencies.length < 5) frequencies.push(0);
    encodeCfList({ type: 0, frequencies }, bytes, 0);
  }
  return bytes;
}

export interface InteropClientOptions {
  /** How long an answer may take (10 s). */
  timeoutMs?: number;
}

export class InteropClient {
  readonly #routes: Route[];
  readonly #timeoutMs: number;

  /** Reads the TLS files now: a missing file fails at start, naming it. */
  constructor(joinServers: readonly ExternalJoinServer[], options: InteropClientOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#routes = joinServers
      .flatMap((server) => {
        const https = server.url.startsWith("https:");
        const agent = https
          ? new Agent({
              keepAlive: true,
              ca: readTls(server.tls.ca, server.url),
              cert: readTls(server.tls.certificate, server.url),
              key: readTls(server.tls.key, server.url),
            })
          : undefined;
        return server.join_euis.map((text) => {
          const [euiText = "", bits = "0"] = text.split("/");
          return { prefix: Buffer.from(euiText, "hex"), bits: Number(bits), server, agent };
        });
      })
      .sort((a, b) => b.bits - a.bits);
  }

  /** The Join Server for `joinEui` (display order): the longest matching prefix. */
  joinServerFor(joinEui: Uint8Array): ExternalJoinServer | undefined {
    return this.#routes.find((route) => matches(joinEui, route.prefix, route.bits))?.server;
  }

  /**
   * Sends the join-request to the Join Server of its JoinEUI and returns the join-accept and
   * session keys (as the Join Server wrapped them). Throws `errNoJoinServer`, transport errors,
   * or the error of the answer's Result (`errMicFailed`, `errUnknownDevEui`, ...).
   */
  async handleJoin(request: JoinRequest): Promise<JoinResponse> {
    let frame: ReturnType<typeof decodePhyPayload>;
    try {
      frame = decodePhyPayload(request.rawPayload);
    } catch (error) {
      throw errNoJoinEui.create({}, error);
    }
    if (!("joinEui" in frame) || !("devEui" in frame)) throw errNoJoinEui.create();
    const route = this.#routes.find((candidate) =>
      matches(frame.joinEui, candidate.prefix, candidate.bits),
    );
    if (!route) throw errNoJoinServer.create({ join_eui: toHex(frame.joinEui) });
    const version = macVersionName(request.selectedMacVersion);
    if (version === undefined) throw errMacVersion.create({ version: request.selectedMacVersion });

    const transactionId = randomInt(0, 0x1_0000_0000);
    const header: MessageHeader = {
      ProtocolVersion: route.server.protocol_version,
      SenderID: route.server.sender_id.toUpperCase(),
      ReceiverID: toHex(frame.joinEui),
      TransactionID: transactionId,
      MessageType: "JoinReq",
    };
    const cfList = cfListBytes(request.cfList);
    const message = {
      ...header,
      MACVersion: version,
      PHYPayload: toHex(request.rawPayload),
      DevEUI: toHex(frame.devEui),
      DevAddr: toHex(request.devAddr),
      DLSettings: toHex(Uint8Array.of(dlSettingsByte(request.downlinkSettings))),
      RxDelay: request.rxDelay,
      ...(cfList ? { CFList: toHex(cfList) } : {}),
    };
    const answer = await this.#post(route, message);
    return this.#joinResponse(route.server.url, answer, transactionId);
  }

  #joinResponse(url: string, answer: unknown, transactionId: number): JoinResponse {
    const head = joinAns.safeParse(answer);
    if (!head.success)
      throw errInvalidAnswer.create({ url, reason: head.error.issues[0]?.message });
    if (head.data.TransactionID !== transactionId) {
      throw errInvalidAnswer.create({ url, reason: "another TransactionID" });
    }
    if (head.data.Result.ResultCode !== "Success") throw errorOfResult(head.data.Result);
    const body = joinAnsSuccess.safeParse(answer);
    if (!body.success)
      throw errInvalidAnswer.create({ url, reason: body.error.issues[0]?.message });
    const fields = body.data;
    return create(JoinResponseSchema, {
      rawPayload: fields.PHYPayload,
      sessionKeys: create(SessionKeysSchema, {
        sessionKeyId: fields.SessionKeyID ?? new Uint8Array(),
        fNwkSIntKey: envelopeOf(fields.NwkSKey ?? fields.FNwkSIntKey),
        sNwkSIntKey: envelopeOf(fields.SNwkSIntKey),
        nwkSEncKey: envelopeOf(fields.NwkSEncKey),
        appSKey: envelopeOf(fields.AppSKey),
      }),
      lifetime: fields.Lifetime ? { seconds: BigInt(fields.Lifetime), nanos: 0 } : undefined,
    });
  }

  /** Posts `message` and resolves to the parsed JSON answer (any HTTP status). */
  #post(route: Route, message: object): Promise<unknown> {
    const { url } = route.server;
    const body = JSON.stringify(message);
    return new Promise((resolve, reject) => {
      const fail = (reason: string, cause?: unknown) =>
        reject(errJoinServerUnreachable.create({ url, reason }, cause));
      const options = {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        timeout: this.#timeoutMs,
        ...(route.agent ? { agent: route.agent } : {}),
      };
      const onResponse = (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > interopBodyLimit) {
            response.destroy();
            reject(errInvalidAnswer.create({ url, reason: "the answer is too large" }));
            return;
          }
          chunks.push(chunk);
        });
        response.on("error", (error) => fail(String(error), error));
        response.on("end", () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
          } catch (error) {
            reject(
              errInvalidAnswer.create(
                { url, reason: `HTTP ${response.statusCode}, not JSON` },
                error,
              ),
            );
          }
        });
      };
      let outgoing: ClientRequest;
      try {
        outgoing = route.agent
          ? httpsRequest(url, options, onResponse)
          : httpRequest(url, options, onResponse);
      } catch (error) {
        fail(String(error), error);
        return;
      }
      outgoing.on("timeout", () => outgoing.destroy(new Error("timed out")));
      outgoing.on("error", (error) => fail(error.message, error));
      outgoing.end(body);
    });
  }

  /** Closes kept-alive connections. */
  close(): void {
    for (const route of this.#routes) route.agent?.destroy();
  }
}

/**
 * Backend Interfaces messages (JSON over HTTP): the common header, the requests a Join Server
 * answers (JoinReq, AppSKeyReq, HomeNSReq) and their answers, and how an answer's header is
 * made from its request's (TransactionID echoed, SenderID and ReceiverID swapped, MessageType
 * *Ans, same ProtocolVersion). Readers ignore unknown fields; a missing or malformed field is
 * `errMalformedMessage` naming it.
 */
import { z } from "zod";
import type { MACVersion } from "../gen/ttn/lorawan/v3/lorawan_pb.js";
import { devAddr, eui, hex, type KeyEnvelopeJson, macVersion, netId } from "./fields.ts";
import {
  errInvalidProtocolVersion,
  errMalformedMessage,
  type ProtocolVersion,
  protocolVersions,
  type Result,
} from "./result-codes.ts";

/** Request types and their answers; the server dispatches on these. */
export const answerTypes = {
  JoinReq: "JoinAns",
  RejoinReq: "RejoinAns",
  AppSKeyReq: "AppSKeyAns",
  PRStartReq: "PRStartAns",
  PRStopReq: "PRStopAns",
  HRStartReq: "HRStartAns",
  HRStopReq: "HRStopAns",
  HomeNSReq: "HomeNSAns",
  ProfileReq: "ProfileAns",
  XmitDataReq: "XmitDataAns",
  XmitLocReq: "XmitLocAns",
} as const;
export type RequestType = keyof typeof answerTypes;

/** The header fields every message has. */
export interface MessageHeader {
  /** "1.0" or "1.1" (an answer to an unreadable request repeats what it said). */
  ProtocolVersion: string;
  SenderID: string;
  ReceiverID: string;
  TransactionID: number;
  MessageType: string;
  /** LoRaWAN Backend Interfaces 1.1: the NSID of a Network Server sender or receiver. */
  SenderNSID?: string;
  ReceiverNSID?: string;
  SenderToken?: string;
  ReceiverToken?: string;
}

/** What is known of a request's header even when the rest is malformed. */
export interface PartialHeader {
  ProtocolVersion?: ProtocolVersion;
  SenderID?: string;
  ReceiverID?: string;
  TransactionID?: number;
  MessageType?: string;
  SenderNSID?: string;
  SenderToken?: string;
}

const optionalText = z.string().max(256).optional().catch(undefined);
const partialHeader = z.object({
  ProtocolVersion: z.enum(protocolVersions).optional().catch(undefined),
  SenderID: optionalText,
  ReceiverID: optionalText,
  TransactionID: z.number().int().min(0).max(0xffffffff).optional().catch(undefined),
  MessageType: z.string().max(64).optional().catch(undefined),
  SenderNSID: optionalText,
  SenderToken: optionalText,
});

/** Reads what it can of a header, never throwing (for the answer to a malformed message). */
export function readPartialHeader(body: unknown): PartialHeader {
  const parsed = partialHeader.safeParse(body);
  return parsed.success ? parsed.data : {};
}

const header = {
  ProtocolVersion: z.string(),
  SenderID: z.string().min(1).max(256),
  ReceiverID: z.string().min(1).max(256),
  TransactionID: z.number().int().min(0).max(0xffffffff),
  MessageType: z.string().min(1).max(64),
  SenderNSID: z.string().max(256).optional(),
  SenderToken: z.string().max(256).optional(),
};

/** Network Server to Join Server: SenderID a NetID, ReceiverID a JoinEUI. */
const nsToJs = { ...header, SenderID: netId("SenderID"), ReceiverID: eui("ReceiverID") };

const joinReq = z.object({
  ...nsToJs,
  MACVersion: macVersion,
  PHYPayload: hex("PHYPayload", 23, 19, 24),
  DevEUI: eui("DevEUI"),
  DevAddr: devAddr("DevAddr"),
  DLSettings: hex("DLSettings", 1),
  RxDelay: z.number().int().min(0).max(15),
  CFList: hex("CFList", 0, 16).optional(),
});

const appSKeyReq = z.object({
  ...header,
  ReceiverID: eui("ReceiverID"),
  DevEUI: eui("DevEUI"),
  SessionKeyID: hex("SessionKeyID").refine((id) => id.length > 0 && id.length <= 64, {
    message: "SessionKeyID: expected 1 to 64 bytes",
  }),
});

const homeNsReq = z.object({ ...nsToJs, DevEUI: eui("DevEUI") });

/** The request messages this module reads, by type. */
export const requestSchemas = {
  JoinReq: joinReq,
  AppSKeyReq: appSKeyReq,
  HomeNSReq: homeNsReq,
} as const;
export type ReadableRequestType = keyof typeof requestSchemas;

/** A JoinReq as read: bytes in display order, as printed. */
export type JoinReq = z.output<typeof joinReq> & { MACVersion: MACVersion };
export type AppSKeyReq = z.output<typeof appSKeyReq>;
export type HomeNSReq = z.output<typeof homeNsReq>;

export interface RequestMessages {
  JoinReq: JoinReq;
  AppSKeyReq: AppSKeyReq;
  HomeNSReq: HomeNSReq;
}

/** The fields of an answer after its header and Result. */
export interface AnswerBodies {
  JoinReq: {
    PHYPayload: string;
    Lifetime?: number;
    NwkSKey?: KeyEnvelopeJson;
    FNwkSIntKey?: KeyEnvelopeJson;
    SNwkSIntKey?: KeyEnvelopeJson;
    NwkSEncKey?: KeyEnvelopeJson;
    AppSKey?: KeyEnvelopeJson;
    SessionKeyID?: string;
  };
  AppSKeyReq: { DevEUI: string; AppSKey: KeyEnvelopeJson; SessionKeyID: string };
  HomeNSReq: { HNetID: string; HNSID?: string };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = issue.path.join(".");
      return issue.message.startsWith(`${path}:`) || !path
        ? issue.message
        : `${path}: ${issue.message}`;
    })
    .join("; ");
}

/** Checks the protocol version of a header; InvalidProtocolVersion otherwise. */
export function checkProtocolVersion(value: unknown): ProtocolVersion {
  if (value === "1.0" || value === "1.1") return value;
  throw errInvalidProtocolVersion.create({
    description: `ProtocolVersion ${JSON.stringify(value)} is not 1.0 or 1.1`,
  });
}

/** Reads a request of `type` from a parsed JSON body; MalformedMessage naming the bad field. */
export function readRequest<T extends ReadableRequestType>(
  type: T,
  body: unknown,
): RequestMessages[T] {
  const parsed = requestSchemas[type].safeParse(body);
  if (!parsed.success) {
    throw errMalformedMessage.create({ description: describeIssues(parsed.error) });
  }
  return parsed.data as RequestMessages[T];
}

/**
 * The header of the answer to `request`: same ProtocolVersion and TransactionID, SenderID and
 * ReceiverID swapped, ReceiverNSID and ReceiverToken from the sender's, MessageType the answer
 * type (`ErrorNotif` for a type that has none).
 */
export function answerHeader(request: PartialHeader, protocolVersion: string): MessageHeader {
  const type = request.MessageType;
  const answerType =
    type !== undefined && Object.hasOwn(answerTypes, type)
      ? answerTypes[type as RequestType]
      : "ErrorNotif";
  const answer: MessageHeader = {
    ProtocolVersion: protocolVersion,
    SenderID: request.ReceiverID ?? "",
    ReceiverID: request.SenderID ?? "",
    TransactionID: request.TransactionID ?? 0,
    MessageType: answerType,
  };
  if (request.SenderNSID !== undefined) answer.ReceiverNSID = request.SenderNSID;
  if (request.SenderToken !== undefined) answer.ReceiverToken = request.SenderToken;
  return answer;
}

/** An answer: its header, Result and body fields. */
export type Answer = MessageHeader & { Result: Result } & Record<string, unknown>;

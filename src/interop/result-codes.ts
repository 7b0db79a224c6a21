/**
 * The result codes of LoRaWAN Backend Interfaces 1.0 and 1.1 as one table: each code, the
 * protocol versions that define it and the typed error that stands for it. An error becomes a
 * `Result` on the way out (`resultOf`) and a `Result` becomes the error again in a client
 * (`errorOfResult`).
 */
import { DefinedError, type ErrorDefinition, errorNamespace } from "../errors/index.ts";

/** A Backend Interfaces protocol version. */
export type ProtocolVersion = "1.0" | "1.1";
export const protocolVersions: readonly ProtocolVersion[] = ["1.0", "1.1"];

const errors = errorNamespace("interop");

export const errNoAction = errors.aborted("no_action", "no action");
export const errMicFailed = errors.invalidArgument("mic_failed", "MIC failed");
export const errFrameReplayed = errors.aborted("frame_replayed", "frame replayed");
export const errJoinReqFailed = errors.aborted("join_req_failed", "join-request failed");
export const errNoRoamingAgreement = errors.failedPrecondition(
  "no_roaming_agreement",
  "no roaming agreement",
);
export const errDevRoamingDisallowed = errors.failedPrecondition(
  "dev_roaming_disallowed",
  "device roaming disallowed",
);
export const errRoamingActDisallowed = errors.failedPrecondition(
  "roaming_act_disallowed",
  "roaming activation disallowed",
);
export const errActivationDisallowed = errors.permissionDenied(
  "activation_disallowed",
  "activation disallowed",
);
export const errUnknownDevEui = errors.notFound("unknown_dev_eui", "unknown DevEUI");
export const errUnknownDevAddr = errors.notFound("unknown_dev_addr", "unknown DevAddr");
export const errUnknownSender = errors.unauthenticated("unknown_sender", "unknown sender");
export const errUnknownReceiver = errors.notFound("unknown_receiver", "unknown receiver");
export const errDeferred = errors.aborted("deferred", "deferred");
export const errXmitFailed = errors.aborted("xmit_failed", "transmission failed");
export const errInvalidFPort = errors.invalidArgument("invalid_f_port", "invalid FPort");
export const errInvalidProtocolVersion = errors.invalidArgument(
  "invalid_protocol_version",
  "invalid protocol version",
);
export const errStaleDeviceProfile = errors.failedPrecondition(
  "stale_device_profile",
  "stale device profile",
);
/** MalformedRequest (1.0) and MalformedMessage (1.1). */
export const errMalformedMessage = errors.invalidArgument("malformed_message", "malformed message");
export const errFrameSizeError = errors.invalidArgument("frame_size_error", "frame size error");
export const errOther = errors.unknown("other", "the other party failed");

interface ResultCodeRow {
  versions: readonly ProtocolVersion[];
  /** The error a client raises for this code; `undefined` for Success. */
  error: ErrorDefinition | undefined;
}

const both = protocolVersions;

/**
 * Every result code of the specification. "UnkownReceiver" is 1.0's spelling, which The Things
 * Stack also writes in 1.1; "UnknownReceiver" is read as the same code.
 */
export const resultCodes = {
  Success: { versions: both, error: undefined },
  NoAction: { versions: ["1.1"], error: errNoAction },
  MICFailed: { versions: both, error: errMicFailed },
  FrameReplayed: { versions: ["1.1"], error: errFrameReplayed },
  JoinReqFailed: { versions: both, error: errJoinReqFailed },
  NoRoamingAgreement: { versions: both, error: errNoRoamingAgreement },
  DevRoamingDisallowed: { versions: both, error: errDevRoamingDisallowed },
  RoamingActDisallowed: { versions: both, error: errRoamingActDisallowed },
  ActivationDisallowed: { versions: both, error: errActivationDisallowed },
  UnknownDevEUI: { versions: both, error: errUnknownDevEui },
  UnknownDevAddr: { versions: both, error: errUnknownDevAddr },
  UnknownSender: { versions: both, error: errUnknownSender },
  UnkownReceiver: { versions: both, error: errUnknownReceiver },
  UnknownReceiver: { versions: [], error: errUnknownReceiver },
  Deferred: { versions: both, error: errDeferred },
  XmitFailed: { versions: both, error: errXmitFailed },
  InvalidFPort: { versions: both, error: errInvalidFPort },
  InvalidProtocolVersion: { versions: both, error: errInvalidProtocolVersion },
  StaleDeviceProfile: { versions: both, error: errStaleDeviceProfile },
  MalformedRequest: { versions: ["1.0"], error: errMalformedMessage },
  MalformedMessage: { versions: ["1.1"], error: errMalformedMessage },
  FrameSizeError: { versions: both, error: errFrameSizeError },
  Other: { versions: both, error: errOther },
} as const satisfies Record<string, ResultCodeRow>;

export type ResultCode = keyof typeof resultCodes;

/** The Result object of every answer. */
export interface Result {
  ResultCode: ResultCode;
  Description?: string;
}

/** The code that stands for `definition` in `version`, if that version has one. */
function codeOf(definition: ErrorDefinition, version: ProtocolVersion): ResultCode | undefined {
  for (const [code, row] of Object.entries(resultCodes) as [ResultCode, ResultCodeRow][]) {
    if (row.error === definition && row.versions.includes(version)) return code;
  }
  return undefined;
}

/**
 * The Result for an error thrown while answering: an interop error's own code (Other when
 * the version has none), anything else Other with a generic description, so that nothing
 * internal leaks to the other party.
 */
export function resultOf(error: unknown, version: ProtocolVersion): Result {
  if (error instanceof DefinedError && error.definition.namespace === "interop") {
    const code = codeOf(error.definition, version) ?? "Other";
    const description = error.attributes.description;
    return {
      ResultCode: code,
      Description: typeof description === "string" && description ? description : error.message,
    };
  }
  return { ResultCode: "Other", Description: "internal error" };
}

/** Whether `code` is a result code of the specification (either spelling of UnknownReceiver). */
export function isResultCode(code: unknown): code is ResultCode {
  return typeof code === "string" && Object.hasOwn(resultCodes, code);
}

/**
 * The typed error for a Result that is not Success; an unknown code is Other. The description
 * travels as the `description` attribute, and the code as `result_code`.
 */
export function errorOfResult(result: { ResultCode?: unknown; Description?: unknown }) {
  const code = isResultCode(result.ResultCode) ? result.ResultCode : "Other";
  const definition: ErrorDefinition = resultCodes[code].error ?? errOther;
  const description = typeof result.Description === "string" ? result.Description : "";
  return definition.create({ result_code: String(result.ResultCode), description });
}

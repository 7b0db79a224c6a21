import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { compressionBrotli, compressionGzip } from "@connectrpc/connect-node";
import { errorNamespace } from "../errors/index.ts";
import { requestBodyLimit } from "../http/body-limit.ts";
import { errorToConnect } from "./errors.ts";

const errors = errorNamespace("api");

/** A binary request message that does not parse as its type. */
export const errMalformedMessage = errors.invalidArgument(
  "malformed_message",
  "the request message is not a valid `{type}`: {reason}",
);

/**
 * The options every Connect handler of ours is built with, on the gRPC port and the HTTP port
 * alike:
 *
 * - `readMaxBytes`: no request message may be larger than the REST body limit, compressed or
 *   after decompression. Connect reads an envelope's or a body's length before its bytes, and
 *   decompresses with zlib's `maxOutputLength`, which stops inflating as soon as the output
 *   passes the limit: a compression bomb costs at most the limit (without it, the limit was
 *   4 GiB per message);
 * - compressed requests in gzip or brotli, as before;
 * - a request gate (run before the body is read) that turns Connect's INTERNAL for a binary
 *   message that does not parse into INVALID_ARGUMENT (the client's error, not ours).
 */
export function connectHandlerOptions() {
  return {
    readMaxBytes: requestBodyLimit,
    acceptCompression: [compressionGzip, compressionBrotli],
    requestGate: malformedMessagesAreInvalid,
  };
}

/**
 * Connect parses the request message before any interceptor runs and answers a malformed one
 * with INTERNAL ("parse binary: ..."). It aborts the call's context with that error just
 * before writing it, in every protocol, so a listener on the context's signal can make it an
 * INVALID_ARGUMENT with our error details in time.
 */
function malformedMessagesAreInvalid(context: HandlerContext): void {
  context.signal.addEventListener(
    "abort",
    () => {
      const error: unknown = context.signal.reason;
      if (!(error instanceof ConnectError) || error.code !== Code.Internal) return;
      const parse = /^parse binary: (.*)$/s.exec(error.rawMessage);
      if (!parse) return;
      const replacement = errorToConnect(
        errMalformedMessage.create({ type: context.method.input.typeName, reason: parse[1] }),
      );
      Object.assign(error, {
        code: replacement.code,
        rawMessage: replacement.rawMessage,
        message: replacement.message,
        details: replacement.details,
      });
    },
    { once: true },
  );
}

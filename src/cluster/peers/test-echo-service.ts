/**
 * Test support for the peer transports: a service with one method of each kind (unary, server,
 * client and bidirectional streaming) over google.protobuf.StringValue, built from a descriptor
 * in code, and an implementation that reports what it saw. Only for tests.
 */
import { EventEmitter } from "node:events";
import { create, createFileRegistry, type DescService } from "@bufbuild/protobuf";
import {
  FileDescriptorProtoSchema,
  file_google_protobuf_wrappers,
  type StringValue,
  StringValueSchema,
} from "@bufbuild/protobuf/wkt";
import type { HandlerContext } from "@connectrpc/connect";
import { isPeerCall } from "../../api/cluster-keys.ts";
import { errorNamespace } from "../../errors/index.ts";

const value = ".google.protobuf.StringValue";
const file = create(FileDescriptorProtoSchema, {
  name: "lorastack/test/echo.proto",
  package: "lorastack.test",
  dependency: ["google/protobuf/wrappers.proto"],
  syntax: "proto3",
  service: [
    {
      name: "Echo",
      method: [
        { name: "Say", inputType: value, outputType: value },
        { name: "Count", inputType: value, outputType: value, serverStreaming: true },
        { name: "Collect", inputType: value, outputType: value, clientStreaming: true },
        {
          name: "Chat",
          inputType: value,
          outputType: value,
          clientStreaming: true,
          serverStreaming: true,
        },
      ],
    },
  ],
});

/** `lorastack.test.Echo`: Say (unary), Count (server stream), Collect (client stream), Chat (bidi). */
export const Echo: DescService = createFileRegistry(file, (name) =>
  name === "google/protobuf/wrappers.proto" ? file_google_protobuf_wrappers : undefined,
).getService("lorastack.test.Echo") as DescService;

const errors = errorNamespace("test/echo");
/** What Say throws for the input `fail`. */
export const errEchoRefused = errors.failedPrecondition(
  "refused",
  "echo refuses `{input}` ({count} times)",
);

/** What the implementation saw, for assertions. */
export class EchoObservations extends EventEmitter<{ "stream-end": [] }> {
  /** The last request object Say was given (to check it was not copied). */
  lastRequest: unknown;
  lastContext: HandlerContext | undefined;
  /** Count streams whose implementation finished (returned or was returned). */
  streamsEnded = 0;
}

function stringValue(text: string): StringValue {
  return create(StringValueSchema, { value: text });
}

/**
 * The implementation. Say answers `<input>|<authorization>|<peer call>`, throws
 * `errEchoRefused` for `fail`, waits forever (ignoring its signal) for `hang`. Count yields
 * `1..n` for the number n, or for `forever` yields once and waits for the call to end. Collect joins
 * its inputs with `+`; Chat answers each input upper-cased.
 */
export function echoImplementation(seen: EchoObservations) {
  return {
    async say(request: StringValue, context: HandlerContext) {
      seen.lastRequest = request;
      seen.lastContext = context;
      if (request.value === "fail")
        throw errEchoRefused.create({ input: request.value, count: 2, when: new Date(0) });
      if (request.value === "hang") await new Promise(() => {});
      const authorization = context.requestHeader.get("authorization") ?? "-";
      return { value: `${request.value}|${authorization}|${isPeerCall(context)}` };
    },
    async *count(request: StringValue, context: HandlerContext) {
      seen.lastContext = context;
      try {
        if (request.value === "forever") {
          yield stringValue("1");
          // A well-behaved stream ends when its call does.
          await new Promise((resolve) => context.signal.addEventListener("abort", resolve));
          return;
        }
        for (let n = 1; n <= Number(request.value); n++) yield stringValue(String(n));
      } finally {
        seen.streamsEnded++;
        seen.emit("stream-end");
      }
    },
    async collect(requests: AsyncIterable<StringValue>) {
      const parts: string[] = [];
      for await (const request of requests) parts.push(request.value);
      return { value: parts.join("+") };
    },
    async *chat(requests: AsyncIterable<StringValue>) {
      for await (const request of requests) yield { value: request.value.toUpperCase() };
    },
  };
}

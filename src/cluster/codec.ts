import { type DescMessage, fromBinary, type MessageShape, toBinary } from "@bufbuild/protobuf";

/**
 * How a value crosses instances. In-process implementations of the coordination interfaces
 * hand values over as they are and never call a codec; the Redis ones encode with it.
 */
export interface Codec<T> {
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

/** A protobuf message type as a codec (binary wire format). */
export function messageCodec<Desc extends DescMessage>(schema: Desc): Codec<MessageShape<Desc>> {
  return {
    encode: (value) => toBinary(schema, value),
    decode: (bytes) => fromBinary(schema, bytes),
  };
}

/** Raw bytes, unchanged. */
export const bytesCodec: Codec<Uint8Array> = {
  encode: (value) => value,
  decode: (bytes) => bytes,
};

/** UTF-8 strings. */
export const stringCodec: Codec<string> = {
  encode: (value) => Buffer.from(value, "utf8"),
  decode: (bytes) => Buffer.from(bytes).toString("utf8"),
};

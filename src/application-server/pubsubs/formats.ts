import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { messageFromJson, messageToJson, parseJson } from "../../api/rest/json.ts";
import {
  type ApplicationUp,
  ApplicationUpSchema,
  type DownlinkQueueRequest,
  DownlinkQueueRequestSchema,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";

/** A message format: how an `ApplicationUp` is written and a downlink queue operation read. */
export interface PubSubFormat {
  description: string;
  encodeUp(up: ApplicationUp): Uint8Array;
  /** Reads `{"end_device_ids": {...}, "downlinks": [...]}`; throws when the payload is not one. */
  decodeDownlinks(payload: Uint8Array): DownlinkQueueRequest;
}

/** The formats of `GetFormats`, as The Things Stack names them. */
export const formats: Readonly<Record<string, PubSubFormat>> = {
  json: {
    description: "JSON",
    encodeUp: (up) => Buffer.from(JSON.stringify(messageToJson(ApplicationUpSchema, up))),
    decodeDownlinks: (payload) =>
      messageFromJson(DownlinkQueueRequestSchema, parseJson(Buffer.from(payload).toString("utf8"))),
  },
  protobuf: {
    description: "Protocol Buffers",
    encodeUp: (up) => toBinary(ApplicationUpSchema, up),
    decodeDownlinks: (payload) => fromBinary(DownlinkQueueRequestSchema, payload),
  },
};

/** The format of this name, if there is one. */
export function findFormat(name: string): PubSubFormat | undefined {
  return Object.hasOwn(formats, name) ? formats[name] : undefined;
}

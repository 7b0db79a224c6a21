/**
 * Inbound `down/push` and `down/replace` messages: TTS's JSON of `ApplicationDownlinks`
 * (`{"downlinks":[{"f_port":1,"frm_payload":"AQI=","confirmed":true,"priority":"HIGH"}]}`, or
 * `decoded_payload` for the formatter to encode) handed to the downlink queue.
 */

import { create } from "@bufbuild/protobuf";
import { messageFromJson, parseJson } from "../../api/rest/json.ts";
import { EndDeviceIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import {
  type ApplicationDownlink,
  ApplicationDownlinksSchema,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { ApplicationDownlinkQueue } from "../downlink-queue.ts";
import { errInvalidDownlinks } from "./errors.ts";
import type { DownlinkOperation } from "./topics.ts";

/** Reads the downlinks of an inbound message; a typed `invalid_downlinks` error when it is not TTS's JSON. */
export function parseDownlinks(topic: string, payload: Buffer): ApplicationDownlink[] {
  try {
    return messageFromJson(ApplicationDownlinksSchema, parseJson(payload.toString("utf8")))
      .downlinks;
  } catch (error) {
    throw errInvalidDownlinks.create(
      { topic, reason: error instanceof Error ? error.message : String(error) },
      error,
    );
  }
}

/** One inbound downlink message for an end device of the client's application. */
export interface InboundDownlinks {
  applicationId: string;
  deviceId: string;
  operation: DownlinkOperation;
  topic: string;
  payload: Buffer;
}

/** Parses an inbound message and applies it to the device's queue; throws what either fails with. */
export async function applyDownlinks(
  queue: ApplicationDownlinkQueue,
  message: InboundDownlinks,
): Promise<number> {
  const downlinks = parseDownlinks(message.topic, message.payload);
  const ids = create(EndDeviceIdentifiersSchema, {
    applicationIds: { applicationId: message.applicationId },
    deviceId: message.deviceId,
  });
  await queue[message.operation](ids, downlinks);
  return downlinks.length;
}

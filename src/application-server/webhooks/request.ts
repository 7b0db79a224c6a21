import { toBinary } from "@bufbuild/protobuf";
import { messageToJson } from "../../api/rest/json.ts";
import type { ApplicationWebhook } from "../../gen/ttn/lorawan/v3/applicationserver_web_pb.js";
import { type ApplicationUp, ApplicationUpSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { applyFieldMask } from "../../storage/message-store/index.ts";
import { errFormatNotFound } from "./errors.ts";
import { webhookMessage } from "./messages.ts";

/** A webhook request, ready to send. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** A body format: its content type and how an `ApplicationUp` is written in it. */
interface Format {
  description: string;
  contentType: string;
  encode(up: ApplicationUp): Uint8Array;
}

/** The formats of `GetFormats`, as The Things Stack names them. */
export const formats: Readonly<Record<string, Format>> = {
  json: {
    description: "JSON",
    contentType: "application/json",
    encode: (up) => Buffer.from(JSON.stringify(messageToJson(ApplicationUpSchema, up))),
  },
  protobuf: {
    description: "Protocol Buffers",
    contentType: "application/octet-stream",
    encode: (up) => toBinary(ApplicationUpSchema, up),
  },
};

/** Where webhook receivers call back, and the domain they are told. */
export interface DownlinkCallbacks {
  /** The REST API's public URL (`https://example.com/api/v3`), no trailing slash. */
  publicAddress: string;
  /** `X-Tts-Domain`; empty: not sent. */
  domain: string;
}

/** The header names The Things Stack sends. */
export const headerNames = {
  downlinkApiKey: "X-Downlink-Apikey",
  downlinkPush: "X-Downlink-Push",
  downlinkReplace: "X-Downlink-Replace",
  domain: "X-Tts-Domain",
} as const;

const hex = (bytes: Uint8Array | undefined) =>
  bytes?.length ? Buffer.from(bytes).toString("hex").toUpperCase() : "";

/**
 * Expands The Things Stack's URL template variables (`{appID}`, `{devEUI}`, ...; RFC 6570
 * simple expansion) in a base URL or path. Unknown variables expand to nothing, as there.
 */
export function expandVariables(template: string, up: ApplicationUp): string {
  const ids = up.endDeviceIds;
  const applicationId = ids?.applicationIds?.applicationId ?? "";
  const joinEui = hex(ids?.joinEui);
  const values: Record<string, string> = {
    appID: applicationId,
    applicationID: applicationId,
    appEUI: joinEui,
    joinEUI: joinEui,
    devID: ids?.deviceId ?? "",
    deviceID: ids?.deviceId ?? "",
    devEUI: hex(ids?.devEui),
    devAddr: hex(ids?.devAddr),
  };
  return template.replace(/\{([A-Za-z]+)\}/g, (_whole, name: string) =>
    encodeURIComponent(Object.hasOwn(values, name) ? (values[name] as string) : ""),
  );
}

/** The base URL and a message's path joined as The Things Stack joins them. */
export function joinUrl(baseUrl: string, path: string): string {
  const base = new URL(baseUrl);
  const relative = path.replace(/^\/+/, "");
  // A path is relative to the base URL's path, never to its root.
  if (path !== "" && !base.pathname.endsWith("/")) base.pathname += "/";
  return new URL(relative, base).toString();
}

/**
 * The message with the webhook's field mask applied. Paths are the ApplicationUp's, the oneof
 * named `up` (`up.uplink_message.decoded_payload`): only paths into the message's own type
 * count; `up` alone selects it whole.
 */
export function maskMessage(up: ApplicationUp, paths: readonly string[]): ApplicationUp {
  if (paths.length === 0 || !up.up.case) return up;
  const active = up.up.case.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  const selected: string[] = [];
  for (const path of paths) {
    if (path === "up") selected.push(active);
    else if (path.startsWith("up.")) {
      const rest = path.slice("up.".length);
      if (rest === active || rest.startsWith(`${active}.`)) selected.push(rest);
    } else selected.push(path);
  }
  return applyFieldMask(ApplicationUpSchema, up, selected);
}

/** The request of one message to one webhook; `undefined` when the webhook does not send its type. */
export function buildRequest(
  webhook: ApplicationWebhook,
  up: ApplicationUp,
  callbacks: DownlinkCallbacks,
  userAgent: string,
): WebhookRequest | undefined {
  const message = webhookMessage(webhook, up);
  if (!message) return undefined;
  const format = Object.hasOwn(formats, webhook.format) ? formats[webhook.format] : undefined;
  if (!format) throw errFormatNotFound.create({ format: webhook.format });
  const url = joinUrl(expandVariables(webhook.baseUrl, up), expandVariables(message.path, up));
  const headers: Record<string, string> = { ...webhook.headers };
  if (webhook.downlinkApiKey) {
    const deviceId = up.endDeviceIds?.deviceId ?? "";
    const callback = (operation: string) =>
      [
        callbacks.publicAddress,
        "as/applications",
        encodeURIComponent(webhook.ids?.applicationIds?.applicationId ?? ""),
        "webhooks",
        encodeURIComponent(webhook.ids?.webhookId ?? ""),
        "devices",
        encodeURIComponent(deviceId),
        "down",
        operation,
      ].join("/");
    headers[headerNames.downlinkApiKey] = webhook.downlinkApiKey;
    headers[headerNames.downlinkPush] = callback("push");
    headers[headerNames.downlinkReplace] = callback("replace");
  }
  if (callbacks.domain) headers[headerNames.domain] = callbacks.domain;
  headers["Content-Type"] = format.contentType;
  headers["User-Agent"] = userAgent;
  const body = format.encode(maskMessage(up, webhook.fieldMask?.paths ?? []));
  return { url, headers, body };
}

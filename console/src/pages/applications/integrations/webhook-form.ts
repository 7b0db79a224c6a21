import { type KeyValueRow, mapOf, rowsOf } from "../key-values.ts";
import { type MessageType, messageTypes, type Webhook } from "../types.ts";

/** A message type in the form: sent or not, and its path below the base URL. */
export interface MessageChoice {
  enabled: boolean;
  path: string;
}

export interface WebhookValues {
  webhook_id: string;
  base_url: string;
  format: string;
  headers: KeyValueRow[];
  downlink_api_key: string;
  enabled: boolean;
  messages: Record<MessageType, MessageChoice>;
}

/** The form's values of a webhook (or of a new one: JSON, uplinks on, enabled). */
export function webhookValues(webhook?: Webhook): WebhookValues {
  const messages = {} as Record<MessageType, MessageChoice>;
  for (const [type] of messageTypes) {
    const message = webhook?.[type];
    messages[type] = {
      enabled: message !== undefined && message !== null,
      path: message?.path ?? "",
    };
  }
  if (!webhook) messages.uplink_message = { enabled: true, path: "/uplink" };
  return {
    webhook_id: webhook?.ids.webhook_id ?? "",
    base_url: webhook?.base_url ?? "",
    format: webhook?.format || "json",
    headers: rowsOf(webhook?.headers),
    downlink_api_key: webhook?.downlink_api_key ?? "",
    enabled: !webhook?.paused,
    messages,
  };
}

/** Why a base URL cannot be used, or null. */
export function baseUrlError(value: string): string | null {
  if (value.trim() === "") return "Enter the base URL";
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return "Not a URL (for example https://example.com/lora)";
  }
  return url.protocol === "http:" || url.protocol === "https:"
    ? null
    : "An http:// or https:// URL";
}

/** Why a message path cannot be used, or null (empty: the base URL itself). */
export function messagePathError(path: string): string | null {
  return /\s/.test(path) ? "No spaces in a path" : null;
}

/**
 * The body of a Set request of the webhook (every field it edits in the field mask, so that
 * a message type switched off is unset), or the first error.
 */
export function webhookBody(
  appId: string,
  values: WebhookValues,
): { body: { webhook: Webhook; field_mask: { paths: string[] } } } | { error: string } {
  const headers = mapOf(values.headers);
  if ("error" in headers) return { error: `Headers: ${headers.error}` };
  const webhook: Webhook = {
    ids: { application_ids: { application_id: appId }, webhook_id: values.webhook_id },
    base_url: values.base_url.trim(),
    format: values.format,
    headers: headers.map,
    downlink_api_key: values.downlink_api_key,
    paused: !values.enabled,
  };
  const paths = ["base_url", "format", "headers", "downlink_api_key", "paused"];
  for (const [type] of messageTypes) {
    paths.push(type);
    const choice = values.messages[type];
    if (choice.enabled) webhook[type] = { path: choice.path.trim() };
  }
  return { body: { webhook, field_mask: { paths } } };
}

import { create } from "@bufbuild/protobuf";
import { isFieldPath } from "../../api/field-paths.ts";
import type { ApplicationWebhook } from "../../gen/ttn/lorawan/v3/applicationserver_web_pb.js";
import { ApplicationUpSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { errInvalidField, errInvalidWebhookId } from "./errors.ts";
import { messageFieldNames } from "./messages.ts";
import { expandVariables, formats } from "./request.ts";

/** The ID rule of every entity (The Things Stack's public API). */
const idPattern = /^[a-z0-9](?:[-]?[a-z0-9]){2,}$/;
const idMaxLength = 36;
// RFC 9110 token characters: a header name with anything else is refused by every client.
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const limits = { headers: 50, headerName: 64, headerValue: 4096, path: 64, apiKey: 128 };

/** Whether `id` is a valid application or webhook ID. */
export function isValidId(id: string): boolean {
  return id.length <= idMaxLength && idPattern.test(id);
}

/** Checks the webhook ID; invalid_webhook_id otherwise. */
export function checkWebhookId(id: string): void {
  if (!isValidId(id)) throw errInvalidWebhookId.create({ webhook_id: id });
}

const invalid = (field: string, reason: string) => errInvalidField.create({ field, reason });

/**
 * Checks a webhook as it is about to be stored: an http(s) base URL (after its template
 * variables), headers that an HTTP request can carry, a known format, paths and a downlink API
 * key within The Things Stack's lengths, and a field mask of `ApplicationUp` paths.
 */
export function checkWebhook(webhook: ApplicationWebhook): void {
  const sample = expandVariables(webhook.baseUrl, create(ApplicationUpSchema));
  let url: URL | undefined;
  try {
    url = new URL(sample);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:"))
    throw invalid("base_url", "an absolute http or https URL is required");
  const headers = Object.entries(webhook.headers);
  if (headers.length > limits.headers)
    throw invalid("headers", `at most ${limits.headers} headers`);
  for (const [name, value] of headers) {
    if (name.length > limits.headerName || !headerName.test(name))
      throw invalid(`headers`, `${JSON.stringify(name)} is not a header name`);
    if (value.length > limits.headerValue || /[\r\n\0]/.test(value))
      throw invalid(`headers.${name}`, "a header value is one line of at most 4096 characters");
  }
  if (!Object.hasOwn(formats, webhook.format))
    throw invalid("format", `one of ${Object.keys(formats).join(", ")} is required`);
  for (const name of messageFieldNames) {
    const field = name.replace(/_([a-z])/g, (_all, letter: string) => letter.toUpperCase());
    const path = (webhook as unknown as Record<string, { path: string } | undefined>)[field]?.path;
    if (path !== undefined && path.length > limits.path)
      throw invalid(`${name}.path`, `at most ${limits.path} characters`);
  }
  if (webhook.downlinkApiKey.length > limits.apiKey)
    throw invalid("downlink_api_key", `at most ${limits.apiKey} characters`);
  for (const path of webhook.fieldMask?.paths ?? [])
    if (!isFieldPath(ApplicationUpSchema, path))
      throw invalid("field_mask", `${JSON.stringify(path)} is not a field of ApplicationUp`);
}

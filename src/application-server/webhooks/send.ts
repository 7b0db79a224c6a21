import { errRequestFailed, errRequestTimeout, errStatusCode } from "./errors.ts";
import type { WebhookRequest } from "./request.ts";

/** Sends a webhook request; resolves on a 2xx answer, throws the webhook's typed errors otherwise. */
export type SendRequest = (request: WebhookRequest) => Promise<void>;

// What is read of an answer: enough to name a failure, never an endpoint's whole page.
const ANSWER_LIMIT = 1024;

/** Reads at most `limit` bytes of a body and drops the rest without reading it. */
async function readSome(response: Response, limit: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    while (length < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, limit).toString("utf8");
}

/**
 * Sends with `fetch`: POST, at most `timeoutMs` from connecting until the answer's head has
 * come (then its body is read up to 1 KiB within the same time), redirects not followed (a 3xx
 * is a failure, as any answer outside 2xx). Any address is allowed, private networks included:
 * webhooks to a LAN integration are normal, and only users with the application's settings
 * rights can point one anywhere.
 */
export function httpSender(options: { timeoutMs: number }): SendRequest {
  return async (request) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) headers.set(name, value);
    const signal = AbortSignal.timeout(options.timeoutMs);
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: "POST",
        headers,
        body: request.body,
        redirect: "manual",
        signal,
      });
    } catch (error) {
      if (signal.aborted)
        throw errRequestTimeout.create({ url: request.url, timeout_ms: options.timeoutMs });
      const cause = (error as Error & { cause?: Error }).cause;
      throw errRequestFailed.create(
        { url: request.url, reason: cause?.message ?? (error as Error).message },
        error,
      );
    }
    const answer = await readSome(response, ANSWER_LIMIT).catch(() => "");
    if (response.status < 200 || response.status > 299)
      throw errStatusCode.create({
        url: request.url,
        status: response.status,
        ...(answer ? { body: answer.slice(0, 256) } : {}),
      });
  };
}

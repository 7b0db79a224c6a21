import { ApiError, api, useRequest } from "../shell.ts";

/**
 * The Application Server's integrations that share one REST shape: webhooks and pub/subs,
 * `/as/<kind>/<application>` for the list and creation, `/<id>` for one of them, and
 * `/as/<webhook|pubsub>-formats` for the formats they can send.
 */
export type IntegrationKind = "webhooks" | "pubsub";

/** `/as/webhooks/app` (the collection) or `/as/webhooks/app/hook` (one). */
export function integrationPath(kind: IntegrationKind, appId: string, id?: string): string {
  const collection = `/as/${kind}/${encodeURIComponent(appId)}`;
  return id === undefined ? collection : `${collection}/${encodeURIComponent(id)}`;
}

/**
 * Creates an integration (POST to the collection) or replaces an existing one (PUT). A new
 * one whose ID is taken resolves "exists" (the form shows it at the ID); other errors throw.
 */
export async function saveIntegration(
  kind: IntegrationKind,
  appId: string,
  id: string,
  body: unknown,
  existing: boolean,
): Promise<"saved" | "exists"> {
  try {
    if (existing) await api.put(integrationPath(kind, appId, id), body);
    else await api.post(integrationPath(kind, appId), body);
    return "saved";
  } catch (error) {
    if (!existing && error instanceof ApiError && error.status === 409) return "exists";
    throw error;
  }
}

/** The formats the Application Server offers for `kind`, as select options, and the load error. */
export function useFormatOptions(kind: IntegrationKind) {
  const formats = useRequest<{ formats?: Record<string, string> }>(
    kind === "webhooks" ? "/as/webhook-formats" : "/as/pubsub-formats",
  );
  const options = Object.entries(formats.data?.formats ?? {}).map(([value, label]) => ({
    value,
    label: `${label} (${value})`,
  }));
  return { options, error: formats.error };
}

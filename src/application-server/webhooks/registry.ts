import type { Kysely } from "kysely";
import type { ApplicationWebhook } from "../../gen/ttn/lorawan/v3/applicationserver_web_pb.js";
import { errNotFound, MessageStore } from "../../storage/message-store/index.ts";
import { webhookTable } from "./table.ts";

/** A webhook's application and webhook IDs. */
export interface WebhookKey {
  applicationId: string;
  webhookId: string;
}

/**
 * Computes a webhook's new state from its stored one: the webhook to store, or `null` to
 * delete it. Throwing aborts the change and nothing is written.
 */
export type WebhookChange = (
  current: ApplicationWebhook | undefined,
) => ApplicationWebhook | null | Promise<ApplicationWebhook | null>;

/** The application webhooks' storage. Every change is atomic and durable once it resolves. */
export interface WebhookRegistry {
  /** The webhook; `undefined` when there is none. */
  get(key: WebhookKey): Promise<ApplicationWebhook | undefined>;
  /** The application's webhooks in webhook ID order. */
  list(applicationId: string): Promise<ApplicationWebhook[]>;
  /** Changes the webhook atomically; resolves to what was stored (`undefined`: none now). */
  update(key: WebhookKey, change: WebhookChange): Promise<ApplicationWebhook | undefined>;
}

/** {@link WebhookRegistry} on the project's database (table `as_webhooks`, SQLite or PostgreSQL). */
export class SqlWebhookRegistry implements WebhookRegistry {
  readonly #store: MessageStore<typeof webhookTable.schema>;

  // biome-ignore lint/suspicious/noExplicitAny: a registry's table is not in the typed schema
  constructor(db: Kysely<any>) {
    this.#store = new MessageStore(db, webhookTable);
  }

  async get(key: WebhookKey): Promise<ApplicationWebhook | undefined> {
    try {
      return await this.#store.get([key.applicationId, key.webhookId]);
    } catch (error) {
      if (errNotFound.matches(error)) return undefined;
      throw error;
    }
  }

  async list(applicationId: string): Promise<ApplicationWebhook[]> {
    return (await this.#store.list([applicationId])).items;
  }

  update(key: WebhookKey, change: WebhookChange): Promise<ApplicationWebhook | undefined> {
    return this.#store.update([key.applicationId, key.webhookId], (current) => change(current));
  }
}

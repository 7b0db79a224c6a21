import type { Kysely } from "kysely";
import type { ApplicationPubSub } from "../../gen/ttn/lorawan/v3/applicationserver_pubsub_pb.js";
import { errNotFound, MessageStore } from "../../storage/message-store/index.ts";
import { pubSubTable } from "./table.ts";

/** A pub/sub's application and pub/sub IDs. */
export interface PubSubKey {
  applicationId: string;
  pubSubId: string;
}

/**
 * Computes a pub/sub's new state from its stored one: the pub/sub to store, or `null` to
 * delete it. Throwing aborts the change and nothing is written.
 */
export type PubSubChange = (
  current: ApplicationPubSub | undefined,
) => ApplicationPubSub | null | Promise<ApplicationPubSub | null>;

/** The application pub/subs' storage. Every change is atomic and durable once it resolves. */
export interface PubSubRegistry {
  /** The pub/sub; `undefined` when there is none. */
  get(key: PubSubKey): Promise<ApplicationPubSub | undefined>;
  /** The application's pub/subs in pub/sub ID order. */
  list(applicationId: string): Promise<ApplicationPubSub[]>;
  /** Every pub/sub of every application, read in batches (to start them all). */
  all(): AsyncIterable<ApplicationPubSub>;
  /** Changes the pub/sub atomically; resolves to what was stored (`undefined`: none now). */
  update(key: PubSubKey, change: PubSubChange): Promise<ApplicationPubSub | undefined>;
}

/** {@link PubSubRegistry} on the project's database (table `as_pubsubs`, SQLite or PostgreSQL). */
export class SqlPubSubRegistry implements PubSubRegistry {
  readonly #store: MessageStore<typeof pubSubTable.schema>;

  // biome-ignore lint/suspicious/noExplicitAny: a registry's table is not in the typed schema
  constructor(db: Kysely<any>) {
    this.#store = new MessageStore(db, pubSubTable);
  }

  async get(key: PubSubKey): Promise<ApplicationPubSub | undefined> {
    try {
      return await this.#store.get([key.applicationId, key.pubSubId]);
    } catch (error) {
      if (errNotFound.matches(error)) return undefined;
      throw error;
    }
  }

  async list(applicationId: string): Promise<ApplicationPubSub[]> {
    return (await this.#store.list([applicationId])).items;
  }

  all(): AsyncIterable<ApplicationPubSub> {
    return this.#store.scan([]);
  }

  update(key: PubSubKey, change: PubSubChange): Promise<ApplicationPubSub | undefined> {
    return this.#store.update([key.applicationId, key.pubSubId], (current) => change(current));
  }
}

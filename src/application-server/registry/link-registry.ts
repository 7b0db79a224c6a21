import { clone, create } from "@bufbuild/protobuf";
import {
  type ApplicationLink,
  ApplicationLinkSchema,
  SetApplicationLinkRequestSchema,
} from "../../gen/ttn/lorawan/v3/applicationserver_pb.js";
import { errNotFound, type MessageStore } from "../../storage/message-store/index.ts";
import type { AsLinkRegistry } from "../registry.ts";

/**
 * {@link AsLinkRegistry} with an atomic change, for a Set with a field mask: `change` sees the
 * stored link (`undefined`: none) and returns the link to store.
 */
export interface UpdatableLinkRegistry extends AsLinkRegistry {
  update(
    applicationId: string,
    change: (current: ApplicationLink | undefined) => ApplicationLink,
  ): Promise<ApplicationLink>;
}

/**
 * {@link AsLinkRegistry} on a {@link MessageStore}: one row per application, holding its
 * identifiers and its link (see tables.ts).
 */
export class SqlAsLinkRegistry implements UpdatableLinkRegistry {
  readonly #store: MessageStore<typeof SetApplicationLinkRequestSchema>;

  constructor(store: MessageStore<typeof SetApplicationLinkRequestSchema>) {
    this.#store = store;
  }

  async get(applicationId: string): Promise<ApplicationLink | undefined> {
    try {
      const row = await this.#store.get([applicationId]);
      return row.link ?? create(ApplicationLinkSchema);
    } catch (error) {
      if (errNotFound.matches(error)) return undefined;
      throw error;
    }
  }

  async set(applicationId: string, link: ApplicationLink): Promise<ApplicationLink> {
    const row = create(SetApplicationLinkRequestSchema, {
      applicationIds: { applicationId },
      link: clone(ApplicationLinkSchema, link),
    });
    await this.#store.update([applicationId], () => row);
    return clone(ApplicationLinkSchema, link);
  }

  async update(
    applicationId: string,
    change: (current: ApplicationLink | undefined) => ApplicationLink,
  ): Promise<ApplicationLink> {
    let result = create(ApplicationLinkSchema);
    await this.#store.update([applicationId], (stored) => {
      result = change(stored ? (stored.link ?? create(ApplicationLinkSchema)) : undefined);
      return create(SetApplicationLinkRequestSchema, {
        applicationIds: { applicationId },
        link: clone(ApplicationLinkSchema, result),
      });
    });
    return clone(ApplicationLinkSchema, result);
  }

  async delete(applicationId: string): Promise<boolean> {
    let existed = false;
    await this.#store.update([applicationId], (stored) => {
      existed = stored !== undefined;
      return null;
    });
    return existed;
  }
}

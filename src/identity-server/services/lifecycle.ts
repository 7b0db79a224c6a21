import type { HandlerContext } from "@connectrpc/connect";
import type { RightName } from "../../auth/rights/index.ts";
import { registryEventsOf } from "../events.ts";
import type { IdentityStores } from "../store/index.ts";
import { authorize, callerOf, requireAdmin, type ServiceContext } from "./context.ts";
import { checkNotLastOwner } from "./owners.ts";

/** What differs between the kinds of entity in delete, restore and purge. */
export interface LifecycleSpec {
  kind: "user" | "organization" | "application" | "gateway" | "client";
  /** Deletes and restores; purges go through the stores of the purge's transaction. */
  store: {
    delete(id: string): Promise<void>;
    restore(id: string): Promise<void>;
  };
  /** The right that deletes and restores (`RIGHT_APPLICATION_DELETE`, ...). */
  deleteRight: RightName;
  /** The right that sees the entity's events (`RIGHT_APPLICATION_INFO`, ...). */
  infoRight: RightName;
  /** Checked before a soft delete, e.g. an application must have no end devices left. */
  beforeDelete?: (id: string) => Promise<void>;
}

type Kind = LifecycleSpec["kind"];

function registryOf(stores: IdentityStores, kind: Kind): { purge(id: string): Promise<void> } {
  const registries = {
    user: stores.users,
    organization: stores.organizations,
    application: stores.applications,
    gateway: stores.gateways,
    client: stores.clients,
  } as const;
  return registries[kind];
}

/**
 * Checks in the purge's transaction. A purged account's memberships go with it, so an entity
 * whose only owner it is would be left with nobody in charge (The Things Stack does not check
 * this; we do).
 */
const purgeGuards: Partial<Record<Kind, (stores: IdentityStores, id: string) => Promise<void>>> = {
  user: (stores, id) => checkNotLastOwner(stores, { kind: "user", id }),
  organization: (stores, id) => checkNotLastOwner(stores, { kind: "organization", id }),
};

/**
 * Soft delete and restore (with the kind's delete right) and purge (admins only, never of the
 * last owner of an entity), each
 * publishing `<kind>.delete`, `<kind>.restore` or `<kind>.purge` — the same for every registry.
 */
export function entityLifecycle(context: ServiceContext, spec: LifecycleSpec) {
  const ref = (id: string) => ({ kind: spec.kind, id });
  const events = registryEventsOf[spec.kind];
  const publish = (id: string, action: "delete" | "restore" | "purge") =>
    context.events.publish(events[action], { identifiers: [ref(id)] });
  return {
    async delete(id: string, handler: HandlerContext): Promise<Record<string, never>> {
      await authorize(context, handler, ref(id), [spec.deleteRight]);
      await spec.beforeDelete?.(id);
      await spec.store.delete(id);
      publish(id, "delete");
      return {};
    },
    async restore(id: string, handler: HandlerContext): Promise<Record<string, never>> {
      await authorize(context, handler, ref(id), [spec.deleteRight]);
      await spec.store.restore(id);
      publish(id, "restore");
      return {};
    },
    async purge(id: string, handler: HandlerContext): Promise<Record<string, never>> {
      await requireAdmin(context, await callerOf(context, handler), ref(id));
      await context.stores.transact(async (tx) => {
        await purgeGuards[spec.kind]?.(tx, id);
        await registryOf(tx, spec.kind).purge(id);
      });
      publish(id, "purge");
      return {};
    },
  };
}

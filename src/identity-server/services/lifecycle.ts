import type { HandlerContext } from "@connectrpc/connect";
import { errNoRights } from "../../auth/errors.ts";
import type { RightName } from "../../auth/rights/index.ts";
import { registryEventsOf } from "../events.ts";
import { authorize, callerOf, isAdmin, type ServiceContext } from "./context.ts";

/** What differs between the kinds of entity in delete, restore and purge. */
export interface LifecycleSpec {
  kind: "user" | "organization" | "application" | "gateway" | "client";
  store: {
    delete(id: string): Promise<void>;
    restore(id: string): Promise<void>;
    purge(id: string): Promise<void>;
  };
  /** The right that deletes and restores (`RIGHT_APPLICATION_DELETE`, ...). */
  deleteRight: RightName;
  /** The right that sees the entity's events (`RIGHT_APPLICATION_INFO`, ...). */
  infoRight: RightName;
  /** Checked before a soft delete, e.g. an application must have no end devices left. */
  beforeDelete?: (id: string) => Promise<void>;
}

/**
 * Soft delete and restore (with the kind's delete right) and purge (admins only), each
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
      const caller = await callerOf(context, handler);
      if (!(await isAdmin(context, caller)))
        throw errNoRights.create({ entity_kind: spec.kind, entity_id: id });
      await spec.store.purge(id);
      publish(id, "purge");
      return {};
    },
  };
}

import type { RightName } from "../../auth/rights/index.ts";
import type { EntityRef } from "../../events/index.ts";
import type { AccountRef, MemberEntityKind } from "../store/index.ts";
import type { ServiceContext } from "./context.ts";

/** The right a user or organization needs to list or create entities of a kind under it. */
export const accountRights: Record<
  "application" | "gateway" | "client" | "organization",
  { list: Record<AccountRef["kind"], RightName>; create: Record<AccountRef["kind"], RightName> }
> = {
  application: {
    list: {
      user: "RIGHT_USER_APPLICATIONS_LIST",
      organization: "RIGHT_ORGANIZATION_APPLICATIONS_LIST",
    },
    create: {
      user: "RIGHT_USER_APPLICATIONS_CREATE",
      organization: "RIGHT_ORGANIZATION_APPLICATIONS_CREATE",
    },
  },
  gateway: {
    list: { user: "RIGHT_USER_GATEWAYS_LIST", organization: "RIGHT_ORGANIZATION_GATEWAYS_LIST" },
    create: {
      user: "RIGHT_USER_GATEWAYS_CREATE",
      organization: "RIGHT_ORGANIZATION_GATEWAYS_CREATE",
    },
  },
  client: {
    list: { user: "RIGHT_USER_CLIENTS_LIST", organization: "RIGHT_ORGANIZATION_CLIENTS_LIST" },
    create: {
      user: "RIGHT_USER_CLIENTS_CREATE",
      organization: "RIGHT_ORGANIZATION_CLIENTS_CREATE",
    },
  },
  organization: {
    list: { user: "RIGHT_USER_ORGANIZATIONS_LIST", organization: "RIGHT_USER_ORGANIZATIONS_LIST" },
    create: {
      user: "RIGHT_USER_ORGANIZATIONS_CREATE",
      organization: "RIGHT_USER_ORGANIZATIONS_CREATE",
    },
  },
};

/** The account an entity reference names, when it is a user or organization. */
export function asAccount(entity: EntityRef): AccountRef | undefined {
  return entity.kind === "user" || entity.kind === "organization"
    ? { kind: entity.kind, id: entity.id }
    : undefined;
}

/**
 * IDs of the entities of a kind that an account is a member of: directly, and for a user also
 * through the organizations it belongs to.
 */
export async function memberEntityIds(
  context: ServiceContext,
  account: AccountRef,
  kind: MemberEntityKind,
): Promise<string[]> {
  const { memberships } = context.stores;
  const ids = new Set(
    (await memberships.listMemberships(account, kind)).items.map((m) => m.entity.id),
  );
  if (account.kind === "user" && kind !== "organization") {
    const organizations = (await memberships.listMemberships(account, "organization")).items;
    for (const organization of organizations) {
      const through = await memberships.listMemberships(
        { kind: "organization", id: organization.entity.id },
        kind,
      );
      for (const membership of through.items) ids.add(membership.entity.id);
    }
  }
  return [...ids];
}

import { create } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import { requestedPage } from "../../api/paging.ts";
import { generateApiKey, hashApiKeySecret } from "../../auth/api-keys/index.ts";
import type { Caller } from "../../auth/caller.ts";
import { errMissingRights } from "../../auth/errors.ts";
import {
  expandRights,
  missingRights,
  parseRights,
  potentialRights,
  type RightName,
} from "../../auth/rights/index.ts";
import type { EntityRef } from "../../events/index.ts";
import type { OrganizationOrUserIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import {
  type APIKey,
  APIKeySchema,
  type APIKeys,
  APIKeysSchema,
  type Collaborator,
  CollaboratorSchema,
  type Collaborators,
  CollaboratorsSchema,
  type GetCollaboratorResponse,
  GetCollaboratorResponseSchema,
  type Right,
  type Rights,
  RightsSchema,
} from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { accessEventsOf } from "../events.ts";
import type {
  AccountRef,
  ApiKey,
  ApiKeyEntityKind,
  ApiKeyFields,
  MemberEntityKind,
} from "../store/index.ts";
import { errNotFound } from "../store/index.ts";
import { validate } from "../validation/index.ts";
import { authorize, callerRightsOn, type ServiceContext } from "./context.ts";
import {
  accountFromIds,
  accountToIds,
  fromTimestamp,
  maskFields,
  rightNames,
  rightNumbers,
  toTimestamp,
} from "./convert.ts";
import { errNeedsCollaborator, hasOtherOwner, isOwner } from "./owners.ts";

/** The rights that guard the access methods of one kind of entity. */
export interface AccessRights {
  apiKeys: RightName;
  collaborators: RightName;
}

/** Rights, API keys and collaborators of an entity kind, shared by the `*Access` services. */
export function entityAccess(
  context: ServiceContext,
  kind: ApiKeyEntityKind,
  rights: AccessRights,
) {
  const ref = (id: string): EntityRef => ({ kind, id });
  const events = accessEventsOf[kind];

  /** The rights granted must be ones the entity can hold and ones the caller holds. */
  function checkGrantable(wanted: RightName[], held: Set<RightName>, entity: EntityRef): void {
    const beyondKind = missingRights(wanted, potentialRights(kind));
    const beyondCaller = missingRights(wanted, held);
    const missing = [...new Set([...beyondKind, ...beyondCaller])];
    if (missing.length > 0) {
      throw errMissingRights.create({
        entity_kind: entity.kind,
        entity_id: entity.id,
        missing: missing.join(", "),
      });
    }
  }

  /**
   * A change of rights from `before` to `after` (a collaborator's or a key's) needs the caller
   * to hold every right it adds and every right it takes away: a lesser collaborator cannot
   * demote or remove a greater one, nor cut down a stronger key.
   */
  function checkChange(
    before: Iterable<string>,
    after: Iterable<RightName>,
    held: Set<RightName>,
    entity: EntityRef,
  ): void {
    const was = expandRights(parseRights(before));
    const will = expandRights(after);
    const changed = [
      ...[...will].filter((right) => !was.has(right)),
      ...[...was].filter((right) => !will.has(right)),
    ];
    const missing = missingRights(changed, held);
    if (missing.length > 0) {
      throw errMissingRights.create({
        entity_kind: entity.kind,
        entity_id: entity.id,
        missing: missing.join(", "),
      });
    }
  }

  /**
   * Sets (or, with no rights, removes) a collaborator's rights when the caller may make the
   * change, and never takes the last owner (a collaborator with all rights) away. The entity
   * stays locked from the check to the write, so concurrent changes take turns.
   */
  async function changeCollaborator(
    id: string,
    account: AccountRef,
    wanted: RightName[],
    held: Set<RightName>,
  ): Promise<void> {
    const entity = memberRef(kind, id);
    await context.stores.transact(async (tx) => {
      if (!(await tx.memberships.lockEntity(entity))) throw errNotFound.create({ kind, id });
      const current = await tx.memberships.get(account, entity);
      if (!current && wanted.length === 0) return;
      checkChange(current?.rights ?? [], wanted, held, ref(id));
      const demoted = isOwner(entity.kind, current?.rights ?? []) && !isOwner(entity.kind, wanted);
      if (demoted && !(await hasOtherOwner(tx, entity, account)))
        throw errNeedsCollaborator[entity.kind].create();
      await tx.memberships.set(account, entity, wanted);
    });
  }

  function apiKeyMessage(key: ApiKey, token?: string): APIKey {
    return create(APIKeySchema, {
      id: key.keyId,
      key: token ?? "",
      name: key.name ?? "",
      rights: rightNumbers(key.rights),
      createdAt: toTimestamp(key.createdAt),
      updatedAt: toTimestamp(key.updatedAt),
      expiresAt: toTimestamp(key.expiresAt),
    });
  }

  /** Throws not_found unless the key belongs to the entity (keys of others do not exist here). */
  function ownKey(key: ApiKey, id: string, keyId: string): ApiKey {
    if (key.entity.kind !== kind || key.entity.id !== id)
      throw errNotFound.create({ kind: "API key", id: keyId });
    return key;
  }

  async function keyOf(id: string, keyId: string): Promise<ApiKey> {
    return ownKey(await context.stores.apiKeys.get(keyId), id, keyId);
  }

  return {
    async listRights(id: string, handler: HandlerContext): Promise<Rights> {
      const { rights: held } = await authorize(context, handler, ref(id), []);
      return create(RightsSchema, { rights: rightNumbers(held) });
    },

    async createApiKey(
      id: string,
      request: {
        name: string;
        rights: Right[];
        expiresAt?: { seconds: bigint; nanos: number } | undefined;
      },
      handler: HandlerContext,
    ): Promise<APIKey> {
      validate("api_key", request, { prefix: "" });
      const { rights: held } = await authorize(context, handler, ref(id), [rights.apiKeys]);
      const wanted = rightNames(request.rights);
      checkGrantable(wanted, held, ref(id));
      const generated = generateApiKey();
      const key = await context.stores.apiKeys.create({
        keyId: generated.id,
        entity: { kind, id },
        name: request.name || undefined,
        secretHash: hashApiKeySecret(generated.secret),
        rights: wanted,
        expiresAt: fromTimestamp(request.expiresAt as never),
      });
      if (events.apiKeys)
        context.events.publish(events.apiKeys.create, {
          identifiers: [ref(id)],
          data: apiKeyMessage(key), // without the secret
        });
      return apiKeyMessage(key, generated.token);
    },

    async listApiKeys(
      id: string,
      page: { limit: number; page: number },
      handler: HandlerContext,
    ): Promise<APIKeys> {
      await authorize(context, handler, ref(id), [rights.apiKeys]);
      const result = await context.stores.apiKeys.list({ kind, id }, requestedPage(page));
      handler.responseHeader.set("x-total-count", String(result.total));
      return create(APIKeysSchema, { apiKeys: result.items.map((key) => apiKeyMessage(key)) });
    },

    async getApiKey(id: string, keyId: string, handler: HandlerContext): Promise<APIKey> {
      await authorize(context, handler, ref(id), [rights.apiKeys]);
      return apiKeyMessage(await keyOf(id, keyId));
    },

    async updateApiKey(
      id: string,
      update: APIKey | undefined,
      mask: { paths: string[] } | undefined,
      handler: HandlerContext,
    ): Promise<APIKey> {
      validate("api_key", update, { paths: mask?.paths ?? [] });
      const { rights: held } = await authorize(context, handler, ref(id), [rights.apiKeys]);
      const keyId = update?.id ?? "";
      const fields = maskFields<ApiKeyFields>(mask as never, {
        name: "name",
        rights: "rights",
        expires_at: "expiresAt",
      });
      const wanted = rightNames(update?.rights ?? []);
      if (fields.includes("rights")) checkGrantable(wanted, held, ref(id));
      const expiresAt = fromTimestamp(update?.expiresAt);
      const key = await context.stores.apiKeys.update(keyId, (current) => {
        ownKey(current, id, keyId);
        const changes: ApiKeyFields = {};
        if (fields.includes("name")) changes.name = update?.name || undefined;
        if (fields.includes("rights")) {
          checkChange(current.rights, wanted, held, ref(id));
          changes.rights = wanted;
        }
        if (fields.includes("expiresAt")) {
          // Shortening is allowed (as in The Things Stack); keeping a key alive longer takes
          // every right it has, as making it would.
          if (lengthens(current.expiresAt, expiresAt))
            checkChange(current.rights, [], held, ref(id));
          changes.expiresAt = expiresAt;
        }
        return changes;
      });
      if (events.apiKeys)
        context.events.publish(events.apiKeys.update, {
          identifiers: [ref(id)],
          data: apiKeyMessage(key),
        });
      return apiKeyMessage(key);
    },

    async deleteApiKey(id: string, keyId: string, handler: HandlerContext): Promise<void> {
      const { rights: held } = await authorize(context, handler, ref(id), [rights.apiKeys]);
      // Stricter than The Things Stack: deleting a key takes every right it has.
      await context.stores.transact(async (tx) => {
        await tx.apiKeys.update(keyId, (current) => {
          ownKey(current, id, keyId);
          checkChange(current.rights, [], held, ref(id));
          return {};
        });
        await tx.apiKeys.delete(keyId);
      });
      if (events.apiKeys) context.events.publish(events.apiKeys.delete, { identifiers: [ref(id)] });
    },

    async getCollaborator(
      id: string,
      collaborator: OrganizationOrUserIdentifiers | undefined,
      handler: HandlerContext,
    ): Promise<GetCollaboratorResponse> {
      await authorize(context, handler, ref(id), [rights.collaborators]);
      const account = accountFromIds(collaborator, "collaborator");
      const membership = await context.stores.memberships.get(account, memberRef(kind, id));
      if (!membership)
        throw errNotFound.create({ kind: `collaborator ${account.id} of ${kind}`, id });
      return create(GetCollaboratorResponseSchema, {
        ids: accountToIds(account),
        rights: rightNumbers(membership.rights),
      });
    },

    async setCollaborator(
      id: string,
      collaborator: Collaborator | undefined,
      handler: HandlerContext,
    ): Promise<void> {
      const { rights: held } = await authorize(context, handler, ref(id), [rights.collaborators]);
      const account = accountFromIds(collaborator?.ids, "collaborator.ids");
      const wanted = rightNames(collaborator?.rights ?? []);
      checkGrantable(wanted, held, ref(id));
      await changeCollaborator(id, account, wanted, held);
      if (events.collaborators) {
        const identifiers = [ref(id), account];
        if (wanted.length === 0)
          context.events.publish(events.collaborators.delete, { identifiers });
        else
          context.events.publish(events.collaborators.update, {
            identifiers,
            data: create(CollaboratorSchema, {
              ids: accountToIds(account),
              rights: rightNumbers(wanted),
            }),
          });
      }
    },

    async listCollaborators(
      id: string,
      page: { limit: number; page: number },
      handler: HandlerContext,
    ): Promise<Collaborators> {
      await authorize(context, handler, ref(id), [rights.collaborators]);
      const result = await context.stores.memberships.listMembers(memberRef(kind, id), {
        ...requestedPage(page),
      });
      handler.responseHeader.set("x-total-count", String(result.total));
      return create(CollaboratorsSchema, {
        collaborators: result.items.map((membership) =>
          create(CollaboratorSchema, {
            ids: accountToIds(membership.account),
            rights: rightNumbers(membership.rights),
          }),
        ),
      });
    },

    async deleteCollaborator(
      id: string,
      collaborator: OrganizationOrUserIdentifiers | undefined,
      handler: HandlerContext,
    ): Promise<void> {
      const { rights: held } = await authorize(context, handler, ref(id), [rights.collaborators]);
      const account = accountFromIds(collaborator, "collaborator");
      // Stricter than The Things Stack: removing a collaborator takes every right it has.
      await changeCollaborator(id, account, [], held);
      if (events.collaborators)
        context.events.publish(events.collaborators.delete, { identifiers: [ref(id), account] });
    },

    /** The caller's rights on the entity (for callers that need them without a check). */
    rightsOf(caller: Caller, id: string): Promise<Set<RightName>> {
      return callerRightsOn(context, caller, ref(id));
    },
  };
}

/** Whether an expiry change keeps a key alive longer (or forever). */
function lengthens(current: Date | undefined, next: Date | undefined): boolean {
  if (current === undefined) return false;
  return next === undefined || next.getTime() > current.getTime();
}

function memberRef(kind: ApiKeyEntityKind, id: string): { kind: MemberEntityKind; id: string } {
  if (kind === "user") throw errNotFound.create({ kind: "collaborators of user", id });
  return { kind, id };
}

import { create } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import { requestedPage } from "../../api/paging.ts";
import { generateApiKey, hashApiKeySecret } from "../../auth/api-keys/index.ts";
import type { Caller } from "../../auth/caller.ts";
import { errMissingRights } from "../../auth/errors.ts";
import { missingRights, potentialRights, type RightName } from "../../auth/rights/index.ts";
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
import type { ApiKey, ApiKeyEntityKind, MemberEntityKind } from "../store/index.ts";
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

  async function keyOf(id: string, keyId: string): Promise<ApiKey> {
    const key = await context.stores.apiKeys.get(keyId);
    if (key.entity.kind !== kind || key.entity.id !== id)
      throw errNotFound.create({ kind: "API key", id: keyId });
    return key;
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
      await keyOf(id, keyId);
      const fields = maskFields<{ name?: string; rights?: string[]; expiresAt?: Date }>(
        mask as never,
        { name: "name", rights: "rights", expires_at: "expiresAt" },
      );
      const wanted = rightNames(update?.rights ?? []);
      if (fields.includes("rights")) checkGrantable(wanted, held, ref(id));
      const key = await context.stores.apiKeys.update(
        keyId,
        {
          name: update?.name || undefined,
          rights: wanted,
          expiresAt: fromTimestamp(update?.expiresAt),
        },
        fields,
      );
      if (events.apiKeys)
        context.events.publish(events.apiKeys.update, {
          identifiers: [ref(id)],
          data: apiKeyMessage(key),
        });
      return apiKeyMessage(key);
    },

    async deleteApiKey(id: string, keyId: string, handler: HandlerContext): Promise<void> {
      await authorize(context, handler, ref(id), [rights.apiKeys]);
      await keyOf(id, keyId);
      await context.stores.apiKeys.delete(keyId);
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
      await context.stores.memberships.set(account, memberRef(kind, id), wanted);
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
      await authorize(context, handler, ref(id), [rights.collaborators]);
      const account = accountFromIds(collaborator, "collaborator");
      await context.stores.memberships.set(account, memberRef(kind, id), []);
      if (events.collaborators)
        context.events.publish(events.collaborators.delete, { identifiers: [ref(id), account] });
    },

    /** The caller's rights on the entity (for callers that need them without a check). */
    rightsOf(caller: Caller, id: string): Promise<Set<RightName>> {
      return callerRightsOn(context, caller, ref(id));
    },
  };
}

function memberRef(kind: ApiKeyEntityKind, id: string): { kind: MemberEntityKind; id: string } {
  if (kind === "user") throw errNotFound.create({ kind: "collaborators of user", id });
  return { kind, id };
}

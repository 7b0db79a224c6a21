import { create } from "@bufbuild/protobuf";
import {
  type EntityIdentifiers,
  EntityIdentifiersSchema,
} from "../gen/ttn/lorawan/v3/identifiers_pb.js";
import { type EntityRef, entityKey } from "./event.ts";

type Case = NonNullable<EntityIdentifiers["ids"]["case"]>;

/** How each kind of entity reads from and writes to `EntityIdentifiers`: a table, not branches. */
const kinds: {
  [K in Exclude<EntityRef["kind"], "end_device">]: {
    case: Case;
    id: (value: Record<string, unknown>) => unknown;
    ids: (id: string) => Record<string, unknown>;
  };
} = {
  application: {
    case: "applicationIds",
    id: (v) => v.applicationId,
    ids: (id) => ({ applicationId: id }),
  },
  client: { case: "clientIds", id: (v) => v.clientId, ids: (id) => ({ clientId: id }) },
  gateway: { case: "gatewayIds", id: (v) => v.gatewayId, ids: (id) => ({ gatewayId: id }) },
  organization: {
    case: "organizationIds",
    id: (v) => v.organizationId,
    ids: (id) => ({ organizationId: id }),
  },
  user: { case: "userIds", id: (v) => v.userId, ids: (id) => ({ userId: id }) },
};

const kindOfCase = new Map(Object.entries(kinds).map(([kind, row]) => [row.case, kind]));

/** The entity an `EntityIdentifiers` names, or `undefined` when it names none. */
export function entityRefOf(ids: EntityIdentifiers): EntityRef | undefined {
  const { ids: value } = ids;
  if (value.case === undefined) return undefined;
  if (value.case === "deviceIds") {
    const applicationId = value.value.applicationIds?.applicationId;
    const deviceId = value.value.deviceId;
    return applicationId && deviceId
      ? { kind: "end_device", id: `${applicationId}.${deviceId}` }
      : undefined;
  }
  const kind = kindOfCase.get(value.case) as keyof typeof kinds | undefined;
  if (!kind) return undefined;
  const id = kinds[kind].id(value.value as unknown as Record<string, unknown>);
  return typeof id === "string" && id !== "" ? { kind, id } : undefined;
}

/** An entity as `EntityIdentifiers`. */
export function entityIdentifiersOf(ref: EntityRef): EntityIdentifiers {
  if (ref.kind === "end_device") {
    const dot = ref.id.indexOf(".");
    return create(EntityIdentifiersSchema, {
      ids: {
        case: "deviceIds",
        value: {
          deviceId: ref.id.slice(dot + 1),
          applicationIds: { applicationId: ref.id.slice(0, Math.max(dot, 0)) },
        },
      },
    });
  }
  const row = kinds[ref.kind];
  return create(EntityIdentifiersSchema, {
    ids: { case: row.case, value: row.ids(ref.id) } as never,
  });
}

/** The entities without repetition, in their first order. */
export function uniqueRefs(refs: readonly EntityRef[]): EntityRef[] {
  const seen = new Map<string, EntityRef>();
  for (const ref of refs) if (!seen.has(entityKey(ref))) seen.set(entityKey(ref), ref);
  return [...seen.values()];
}

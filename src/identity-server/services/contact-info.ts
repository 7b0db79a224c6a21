import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import type { RightName } from "../../auth/rights/index.ts";
import { errorNamespace } from "../../errors/index.ts";
import {
  type ContactInfoRegistry,
  ContactInfoValidationSchema,
  ContactMethod,
  ContactType,
} from "../../gen/ttn/lorawan/v3/contact_info_pb.js";
import type { EntityIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import type { AccountRef, ContactFields, ValidationEntityRef } from "../store/index.ts";
import { authorize } from "./context.ts";
import { errMissingField, toTimestamp } from "./convert.ts";
import { requestAddressValidation, validateAddress } from "./email-validation-flow.ts";
import type { UserFeatureContext } from "./user-features.ts";

const errors = errorNamespace("identity-server/contact-info");
export const errNoContactInfoForEntity = errors.invalidArgument(
  "no_contact_info",
  "no contact info for this entity type",
);
export const errNoValidationNeeded = errors.invalidArgument(
  "no_validation_needed",
  "no validation needed for this contact info",
);
export const errValidationsAlreadySent = errors.alreadyExists(
  "validations_already_sent",
  "validations for this contact info already sent, wait `{retry_interval}` before retrying",
);

/** The entity kinds with contact info, their ID and the right it takes to ask for validation. */
const kinds: {
  [Case in Exclude<EntityIdentifiers["ids"]["case"], "deviceIds" | undefined>]: {
    kind: ValidationEntityRef["kind"];
    right: RightName;
    id: (ids: Extract<EntityIdentifiers["ids"], { case: Case }>["value"]) => string;
  };
} = {
  applicationIds: {
    kind: "application",
    right: "RIGHT_APPLICATION_SETTINGS_BASIC",
    id: (ids) => ids.applicationId,
  },
  clientIds: { kind: "client", right: "RIGHT_CLIENT_SETTINGS_BASIC", id: (ids) => ids.clientId },
  gatewayIds: {
    kind: "gateway",
    right: "RIGHT_GATEWAY_SETTINGS_BASIC",
    id: (ids) => ids.gatewayId,
  },
  organizationIds: {
    kind: "organization",
    right: "RIGHT_ORGANIZATION_SETTINGS_BASIC",
    id: (ids) => ids.organizationId,
  },
  userIds: { kind: "user", right: "RIGHT_USER_SETTINGS_BASIC", id: (ids) => ids.userId },
};

function entityOf(ids: EntityIdentifiers): { entity: ValidationEntityRef; right: RightName } {
  const { case: which, value } = ids.ids;
  if (which === undefined || which === "deviceIds") throw errNoContactInfoForEntity.create();
  const row = kinds[which] as {
    kind: ValidationEntityRef["kind"];
    right: RightName;
    id: (ids: typeof value) => string;
  };
  const id = row.id(value);
  if (!id) throw errMissingField.create({ field: `${row.kind}_ids` });
  return { entity: { kind: row.kind, id }, right: row.right };
}

/** A contact's e-mail address, as contact info. */
interface ContactAddress {
  address: string;
  type: ContactType;
  validatedAt?: Date;
  name?: string;
}

/**
 * `ContactInfoRegistry`: validation of the e-mail addresses that reach an entity, as The Things
 * Stack's (whose entities' own contact info is deprecated): a user's primary address; for an
 * application, gateway, organization or client, the primary addresses of its administrative and
 * technical contacts (for a contact organization, its own contacts). A validation token goes to
 * each address not validated yet; using one marks that address validated for its user.
 */
export function contactInfoRegistry(
  context: UserFeatureContext,
): Partial<ServiceImpl<typeof ContactInfoRegistry>> {
  const { stores } = context;

  async function userAddress(userId: string, type: ContactType): Promise<ContactAddress[]> {
    const user = await stores.users
      .get(userId, { fieldMask: ["name", "primaryEmailAddress", "primaryEmailAddressValidatedAt"] })
      .catch(() => undefined);
    if (!user?.primaryEmailAddress) return [];
    return [
      {
        address: user.primaryEmailAddress,
        type,
        validatedAt: user.primaryEmailAddressValidatedAt,
        name: user.name,
      },
    ];
  }

  async function contactAddresses(
    account: AccountRef | undefined,
    type: ContactType,
  ): Promise<ContactAddress[]> {
    if (!account) return [];
    if (account.kind === "user") return userAddress(account.id, type);
    const organization = await stores.organizations
      .get(account.id, { fieldMask: ["administrativeContact", "technicalContact"] })
      .catch(() => undefined);
    const contact =
      type === ContactType.TECHNICAL
        ? organization?.technicalContact
        : organization?.administrativeContact;
    // An organization's contact is a user (or nobody); no deeper.
    return contact?.kind === "user" ? userAddress(contact.id, type) : [];
  }

  async function addressesOf(entity: ValidationEntityRef): Promise<ContactAddress[]> {
    if (entity.kind === "user") return userAddress(entity.id, ContactType.OTHER);
    const registries = {
      application: stores.applications,
      client: stores.clients,
      gateway: stores.gateways,
      organization: stores.organizations,
    };
    const found = (await registries[entity.kind].get(entity.id, {
      fieldMask: ["administrativeContact", "technicalContact"],
    })) as ContactFields;
    return [
      ...(await contactAddresses(found.administrativeContact, ContactType.OTHER)),
      ...(await contactAddresses(found.technicalContact, ContactType.TECHNICAL)),
    ];
  }

  return {
    async requestValidation(request, handler) {
      const { entity, right } = entityOf(request);
      await authorize(context, handler, entity, [right]);
      const pending = new Map<string, ContactAddress[]>();
      for (const contact of await addressesOf(entity)) {
        if (contact.validatedAt) continue;
        pending.set(contact.address, [...(pending.get(contact.address) ?? []), contact]);
      }
      if (pending.size === 0) throw errNoValidationNeeded.create();
      const sent: { id: string; createdAt: Date; contacts: ContactAddress[] }[] = [];
      for (const [address, contacts] of pending) {
        const outcome = await requestAddressValidation(context, {
          entity,
          entityWords: `${entity.kind} ${entity.id}`,
          address,
          name: contacts[0]?.name,
        });
        if (outcome.sent)
          sent.push({
            id: outcome.validation.id,
            createdAt: outcome.validation.createdAt,
            contacts,
          });
      }
      const first = sent[0];
      if (!first) {
        throw errValidationsAlreadySent.create({
          retry_interval: `${context.settings.validation.retryIntervalMs / 1000}s`,
        });
      }
      return create(ContactInfoValidationSchema, {
        id: first.id,
        entity: request,
        contactInfo: sent.flatMap(({ contacts }) =>
          contacts.map((contact) => ({
            contactType: contact.type,
            contactMethod: ContactMethod.EMAIL,
            value: contact.address,
          })),
        ),
        createdAt: toTimestamp(first.createdAt),
      });
    },

    async validate(request) {
      await validateAddress(context, request.id, request.token);
      return {};
    },
  };
}

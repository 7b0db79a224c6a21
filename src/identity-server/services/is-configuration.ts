import { create } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { ApiRegistry } from "../../api/registry.ts";
import {
  GetIsConfigurationResponseSchema,
  Is,
  type IsConfiguration,
  IsConfigurationSchema,
} from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { defaultPasswordPolicy, type PasswordPolicy } from "../passwords/index.ts";

/** What this Identity Server does that a user interface adapts to. */
export interface IsFacts {
  /** The requirements of new passwords. */
  passwordPolicy: PasswordPolicy;
  /**
   * How people register themselves: only with an invitation (`POST /users` with its token),
   * valid this long; without it only admins create users.
   */
  invitationTokenTtlMs: number;
  /** How long an e-mail validation token is valid, and the least time between two e-mails. */
  contactInfoValidation: { tokenTtlMs: number; retryIntervalMs: number };
}

/** The facts from the Identity Server's configuration section. */
export function isFactsFrom(settings: {
  user_registration: {
    invitation: { token_ttl: number };
    contact_info_validation: { token_ttl: number; retry_interval: number };
  };
}): IsFacts {
  const registration = settings.user_registration;
  return {
    passwordPolicy: defaultPasswordPolicy,
    invitationTokenTtlMs: registration.invitation.token_ttl,
    contactInfoValidation: {
      tokenTtlMs: registration.contact_info_validation.token_ttl,
      retryIntervalMs: registration.contact_info_validation.retry_interval,
    },
  };
}

/** Defaults, for tests: a week's invitations, two days' validations, an hour between e-mails. */
export const currentIsFacts: IsFacts = {
  passwordPolicy: defaultPasswordPolicy,
  invitationTokenTtlMs: 7 * 24 * 3600_000,
  contactInfoValidation: { tokenTtlMs: 48 * 3600_000, retryIntervalMs: 3600_000 },
};

function duration(ms: number) {
  return create(DurationSchema, {
    seconds: BigInt(Math.floor(ms / 1000)),
    nanos: (ms % 1000) * 1_000_000,
  });
}

/**
 * The Identity Server's configuration as The Things Stack's `IsConfiguration`: registration
 * is enabled by invitation only (invited users are approved at once, so no admin approval);
 * e-mail validation is offered but not required. There are no picture uploads; non-admin
 * users may create applications, OAuth clients, gateways and organizations; admins hold all
 * rights; collaborators may name other accounts as contacts.
 */
export function isConfiguration(facts: IsFacts): IsConfiguration {
  const policy = facts.passwordPolicy;
  return create(IsConfigurationSchema, {
    userRegistration: {
      enabled: true,
      invitation: { required: true, tokenTtl: duration(facts.invitationTokenTtlMs) },
      contactInfoValidation: {
        required: false,
        tokenTtl: duration(facts.contactInfoValidation.tokenTtlMs),
        retryInterval: duration(facts.contactInfoValidation.retryIntervalMs),
      },
      adminApproval: { required: false },
      passwordRequirements: {
        minLength: policy.minLength,
        maxLength: policy.maxLength,
        minUppercase: policy.minUppercase,
        minDigits: policy.minDigits,
        minSpecial: policy.minSpecial,
      },
    },
    profilePicture: { disableUpload: true, useGravatar: false },
    endDevicePicture: { disableUpload: true },
    userRights: {
      createApplications: true,
      createClients: true,
      createGateways: true,
      createOrganizations: true,
    },
    userLogin: { disableCredentialsLogin: false },
    adminRights: { all: true },
    collaboratorRights: { setOthersAsContacts: true },
  });
}

/**
 * The `Is` service: `GetConfiguration` answers everyone, signed in or not, as in The Things
 * Stack (a sign-up page needs it before there is an account).
 */
export function isService(facts: IsFacts = currentIsFacts): ServiceImpl<typeof Is> {
  const configuration = isConfiguration(facts);
  return {
    getConfiguration: () => create(GetIsConfigurationResponseSchema, { configuration }),
  };
}

/** Serves the `Is` service on the API. */
export function registerIsConfigurationService(api: ApiRegistry, facts?: IsFacts): void {
  api.register(Is, isService(facts));
}

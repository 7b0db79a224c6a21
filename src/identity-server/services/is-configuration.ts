import { create } from "@bufbuild/protobuf";
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
  /** Whether people may register themselves (today only admins create users). */
  userRegistration: boolean;
}

/** This Identity Server as it is built and configured today. */
export const currentIsFacts: IsFacts = {
  passwordPolicy: defaultPasswordPolicy,
  userRegistration: false,
};

/**
 * The Identity Server's configuration as The Things Stack's `IsConfiguration`. Settings this
 * Identity Server has no notion of (invitations, contact validation, admin approval of new
 * users) stay unset, which means "not configured". There are no picture uploads; non-admin
 * users may create applications, OAuth clients, gateways and organizations; admins hold all
 * rights; collaborators may name other accounts as contacts.
 */
export function isConfiguration(facts: IsFacts): IsConfiguration {
  const policy = facts.passwordPolicy;
  return create(IsConfigurationSchema, {
    userRegistration: {
      enabled: facts.userRegistration,
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

import type { Component, ComponentContext } from "../components/index.ts";
import {
  ApplicationAccess,
  ApplicationRegistry,
} from "../gen/ttn/lorawan/v3/application_services_pb.js";
import { EntityAccess } from "../gen/ttn/lorawan/v3/identityserver_pb.js";
import { setUpOAuth } from "./oauth-setup.ts";
import { expandRights, parseRights } from "./rights/index.ts";
import { applicationAccess, applicationRegistry } from "./services/applications.ts";
import { entityAccessService } from "./services/auth-info.ts";
import { registerClientServices } from "./services/clients.ts";
import { type ServiceContext, storeAccessLookup } from "./services/context.ts";
import { registerEndDeviceServices } from "./services/end-devices.ts";
import { registerGatewayServices } from "./services/gateways.ts";
import { registerOrganizationServices } from "./services/organizations.ts";
import { registerSearchServices } from "./services/search.ts";
import { registerUserServices } from "./services/users.ts";
import { createIdentityStores, type IdentityStores } from "./store/index.ts";

/** The stores of the Identity Server on the process database, with rights expanded as the API grants them. */
export function identityStores(context: Pick<ComponentContext, "database">): IdentityStores {
  return createIdentityStores(context.database.db, {
    expandRights: (rights) => [...expandRights(parseRights(rights))],
  });
}

/**
 * The Identity Server: registries of users, organizations, applications, gateways, end devices
 * and OAuth clients, their rights, collaborators and API keys, served on the API.
 */
export function createIdentityServer(context: ComponentContext): Component {
  const stores = identityStores(context);
  const services: ServiceContext = {
    stores,
    lookup: storeAccessLookup(stores),
    events: context.events,
  };
  context.api.register(EntityAccess, entityAccessService(services));
  context.api.register(ApplicationRegistry, applicationRegistry(services));
  context.api.register(ApplicationAccess, applicationAccess(services));
  registerUserServices(context.api, services);
  registerOrganizationServices(context.api, services);
  registerGatewayServices(context.api, services);
  registerEndDeviceServices(context.api, services);
  registerClientServices(context.api, services);
  registerSearchServices(context.api, services);
  let ready = false;
  return {
    async start() {
      await setUpOAuth(context, services);
      ready = true;
    },
    isReady: () => ready,
    async stop() {
      ready = false;
    },
  };
}

import { CachedAccessLookup } from "../auth/cached-access-lookup.ts";
import { invalidateForEvent } from "../auth/invalidate-for-event.ts";
import type { Component, ComponentContext } from "../components/index.ts";
import {
  ApplicationAccess,
  ApplicationRegistry,
} from "../gen/ttn/lorawan/v3/application_services_pb.js";
import { EntityAccess } from "../gen/ttn/lorawan/v3/identityserver_pb.js";
import { type IdentityServerConfig, oauthIssuer } from "./config.ts";
import { limitsFromSettings, type OAuthServer, setUpOAuth } from "./oauth/index.ts";
import { identityStores } from "./registry.ts";
import { applicationAccess, applicationRegistry } from "./services/applications.ts";
import { entityAccessService } from "./services/auth-info.ts";
import { registerClientServices } from "./services/clients.ts";
import { type ServiceContext, storeAccessLookup } from "./services/context.ts";
import { registerEndDeviceServices } from "./services/end-devices.ts";
import { registerGatewayServices } from "./services/gateways.ts";
import { registerOrganizationServices } from "./services/organizations.ts";
import { registerSearchServices } from "./services/search.ts";
import { registerUserServices } from "./services/users.ts";

/**
 * The Identity Server: registries of users, organizations, applications, gateways, end devices
 * and OAuth clients, their rights, collaborators and API keys, served on the API; OAuth 2.0 /
 * OpenID Connect under `/oauth` on the HTTP port.
 *
 * Construction registers the API services (before the runtime mounts the API); start sets up
 * the OAuth server.
 */
export function createIdentityServer(context: ComponentContext<IdentityServerConfig>): Component {
  const stores = identityStores(context);
  // Authentication and authorization read the stores through a cache of a few seconds, which
  // the events of every change to keys, memberships, users and entities invalidate.
  const lookup = new CachedAccessLookup(storeAccessLookup(stores, { logger: context.logger }));
  context.events.listen((event) => invalidateForEvent(lookup, event));
  const services: ServiceContext = {
    stores,
    lookup,
    events: context.events,
    keyVault: context.keyVault,
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
  let oauth: OAuthServer | undefined;
  return {
    async start() {
      const { oauth: section } = context.section;
      oauth = await setUpOAuth({
        http: context.http,
        db: context.database.db,
        stores,
        issuer: oauthIssuer(context.section, context.config.http),
        cookieKeys: section.cookie_keys,
        limits: limitsFromSettings(section.limits),
        sweepIntervalMs: section.sweep_interval,
        metrics: context.metrics,
        logger: context.logger,
      });
      services.lookup.accessToken = oauth.verifyAccessToken;
      ready = true;
    },
    isReady: () => ready,
    async stop() {
      ready = false;
      await oauth?.stop();
    },
  };
}

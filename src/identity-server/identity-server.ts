import { CachedAccessLookup } from "../auth/cached-access-lookup.ts";
import { invalidateForEvent } from "../auth/invalidate-for-event.ts";
import type { Component, ComponentContext } from "../components/index.ts";
import {
  ApplicationAccess,
  ApplicationRegistry,
} from "../gen/ttn/lorawan/v3/application_services_pb.js";
import { EntityAccess } from "../gen/ttn/lorawan/v3/identityserver_pb.js";
import { devEuiBlock, type IdentityServerConfig, oauthIssuer } from "./config.ts";
import { createMailer } from "./email/mailer.ts";
import { firstStart } from "./first-start.ts";
import {
  limitsFromSettings,
  OAuthAuthorizations,
  type OAuthServer,
  setUpOAuth,
} from "./oauth/index.ts";
import { identityStores } from "./registry.ts";
import { applicationAccess, applicationRegistry } from "./services/applications.ts";
import { entityAccessService } from "./services/auth-info.ts";
import { registerClientServices } from "./services/clients.ts";
import { type ServiceContext, storeAccessLookup } from "./services/context.ts";
import { issueDevEui } from "./services/dev-eui.ts";
import { registerEndDeviceServices } from "./services/end-devices.ts";
import { registerEndDeviceBatchServices } from "./services/end-devices-batch.ts";
import { registerEndDeviceSearchService } from "./services/end-devices-search.ts";
import { registerGatewayServices } from "./services/gateways.ts";
import { registerGatewayBatchServices } from "./services/gateways-batch.ts";
import { isFactsFrom, registerIsConfigurationService } from "./services/is-configuration.ts";
import { Notifier, notifyingEvents } from "./services/notifications.ts";
import { registerOAuthAuthorizationServices } from "./services/oauth-authorizations.ts";
import { registerOrganizationServices } from "./services/organizations.ts";
import { registerSearchServices } from "./services/search.ts";
import {
  registerUserFeatureServices,
  userFeatureSettings,
} from "./services/user-feature-services.ts";
import type { UserFeatureContext } from "./services/user-features.ts";
import { registerUserServices } from "./services/users.ts";
import { createDevEuiStore } from "./store/dev-eui.ts";

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
  // Changes that The Things Stack notifies users about create notifications as they publish
  // their events; notifications themselves are published on the bus as it is.
  const direct: ServiceContext = {
    stores,
    lookup,
    events: context.events,
    keyVault: context.keyVault,
    frequencyPlans: context.frequencyPlans,
  };
  const notifier = new Notifier(direct, context.logger);
  const services: ServiceContext = {
    ...direct,
    events: notifyingEvents(context.events, direct, notifier),
  };
  const features: UserFeatureContext = {
    ...services,
    mailer: createMailer(context.section.email, context.logger, context.metrics),
    settings: userFeatureSettings(context.section, context.config.http),
  };
  context.api.register(EntityAccess, entityAccessService(services));
  context.api.register(ApplicationRegistry, {
    ...applicationRegistry(services),
    issueDevEUI: issueDevEui(services, createDevEuiStore({ db: context.database.db }), () => {
      const block = devEuiBlock(context.section);
      return block && { block, applicationLimit: block.applicationLimit };
    }),
  });
  context.api.register(ApplicationAccess, applicationAccess(services));
  registerUserServices(context.api, services, features);
  registerUserFeatureServices(context.api, features, notifier);
  registerOrganizationServices(context.api, services);
  registerGatewayServices(context.api, services);
  registerEndDeviceServices(context.api, services);
  registerClientServices(context.api, services);
  registerSearchServices(context.api, services);
  registerEndDeviceBatchServices(context.api, services);
  registerEndDeviceSearchService(context.api, services);
  registerGatewayBatchServices(context.api, services);
  registerOAuthAuthorizationServices(
    context.api,
    services,
    new OAuthAuthorizations(context.database.db),
  );
  registerIsConfigurationService(context.api, isFactsFrom(context.section));
  let ready = false;
  let oauth: OAuthServer | undefined;
  return {
    async start() {
      const { oauth: section } = context.section;
      oauth = await setUpOAuth({
        http: context.http,
        db: context.database.db,
        stores,
        loginTokens: context.section.login_tokens.enabled,
        issuer: oauthIssuer(context.section, context.config.http),
        cookieKeys: section.cookie_keys,
        limits: limitsFromSettings(section.limits),
        sweepIntervalMs: section.sweep_interval,
        metrics: context.metrics,
        logger: context.logger,
      });
      services.lookup.accessToken = oauth.verifyAccessToken;
      await firstStart({
        enabled: context.section.first_start.enabled,
        stores,
        issuer: oauthIssuer(context.section, context.config.http),
        logger: context.logger,
      });
      ready = true;
    },
    isReady: () => ready,
    async stop() {
      ready = false;
      await oauth?.stop();
      // Notifications and e-mails under way get a moment to finish; a hung SMTP server does
      // not hold up the shutdown (its e-mails are lost, as they would be in a crash).
      await Promise.race([
        Promise.all([notifier.idle(), features.mailer.idle()]),
        new Promise((resolve) => setTimeout(resolve, 5000).unref()),
      ]);
    },
  };
}

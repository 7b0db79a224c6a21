import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import type { ApiRegistry } from "../api/registry.ts";
import { errorNamespace } from "../errors/index.ts";
import {
  Configuration,
  GetPhyVersionsResponseSchema,
  ListFrequencyPlansResponseSchema,
} from "../gen/ttn/lorawan/v3/configuration_services_pb.js";
import { type PHYVersion, PHYVersionSchema } from "../gen/ttn/lorawan/v3/lorawan_pb.js";
import { bandIds, bandVersions, phyVersionName } from "../lorawan/band/index.ts";
import type { FrequencyPlans } from "./frequency-plans.ts";

const errors = errorNamespace("configuration");

/** `GetPhyVersions` for a band this stack does not define. */
export const errUnknownBand = errors.notFound("band_not_found", "band `{band_id}` not found");

/** The API number of a version, by its The Things Stack name (`RP002_V1_0_3`). */
function phyVersionNumber(name: string): PHYVersion {
  const value = PHYVersionSchema.values.find((candidate) => candidate.name === name);
  if (value === undefined) throw new Error(`PHYVersion ${name} is not in the API definitions`);
  return value.number as PHYVersion;
}

/**
 * The `Configuration` service over this process's frequency plans and the bands of
 * `src/lorawan/band`. It answers everyone, signed in or not, as in The Things Stack: the
 * registration forms read it, and it holds nothing secret.
 */
export function configurationService(plans: FrequencyPlans): ServiceImpl<typeof Configuration> {
  return {
    listFrequencyPlans(request) {
      const frequencyPlans = plans
        .list()
        .filter(
          (plan) =>
            (request.baseFrequency === 0 || plan.baseFrequencyMHz === request.baseFrequency) &&
            (request.bandId === "" || plan.bandId === request.bandId) &&
            (!request.gatewaysOnly || plan.forGateways),
        )
        .map((plan) => ({
          id: plan.id,
          baseId: plan.baseId ?? "",
          name: plan.name,
          baseFrequency: plan.baseFrequencyMHz,
          bandId: plan.bandId,
        }));
      return create(ListFrequencyPlansResponseSchema, { frequencyPlans });
    },
    getPhyVersions(request) {
      if (request.bandId !== "" && !bandIds.includes(request.bandId))
        throw errUnknownBand.create({ band_id: request.bandId });
      const ids = request.bandId === "" ? bandIds : [request.bandId];
      return create(GetPhyVersionsResponseSchema, {
        versionInfo: ids.map((bandId) => ({
          bandId,
          phyVersions: bandVersions(bandId).map((version) =>
            phyVersionNumber(phyVersionName(version)),
          ),
        })),
      });
    },
  };
}

/**
 * Serves the `Configuration` service once per process, whatever components run: The Things
 * Stack serves it from every component, and one registration answers for all of them here.
 */
export function registerConfigurationService(api: ApiRegistry, plans: FrequencyPlans): void {
  if (api.find(Configuration.typeName)) return;
  api.register(Configuration, configurationService(plans));
}

import { create } from "@bufbuild/protobuf";
import { FieldMaskSchema } from "@bufbuild/protobuf/wkt";
import type { Peer } from "../../cluster/peer.ts";
import { DefinedError } from "../../errors/index.ts";
import type { Gateway, GatewayAntenna } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { GatewayRegistry as GatewayRegistryService } from "../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import { errGatewayEuiNotFound, errGatewayNotFound, errRegistryUnavailable } from "../errors.ts";

/** The fields of a gateway's registration that the Gateway Server works with. */
export const gatewayFields = [
  "frequency_plan_id",
  "frequency_plan_ids",
  "enforce_duty_cycle",
  "schedule_downlink_late",
  "schedule_anytime_delay",
  "update_location_from_status",
  "location_public",
  "status_public",
  "antennas",
  "require_authenticated_connection",
  "gateway_server_address",
  "downlink_path_constraint",
  "disable_packet_broker_forwarding",
] as const;

/**
 * Where the Gateway Server reads gateway registrations: the Identity Server. Refusals are
 * `gateway_not_found` / `gateway_eui_not_found`; an Identity Server that cannot be asked is
 * `registry_unavailable` (with the peer's error as cause).
 */
export interface GatewayRegistry {
  /** The registration of the gateway with this EUI (8 bytes). */
  byEui(eui: Uint8Array, options?: { secrets?: boolean }): Promise<Gateway>;
  byId(gatewayId: string, options?: { secrets?: boolean }): Promise<Gateway>;
  /** Replaces the gateway's antennas (location from status messages), with its credentials. */
  updateAntennas(
    gateway: Gateway,
    antennas: GatewayAntenna[],
    authorization: string | undefined,
  ): Promise<void>;
}

/** The Identity Server peer as a {@link GatewayRegistry}, with the cluster's own rights. */
export function peerGatewayRegistry(identityServer: () => Peer): GatewayRegistry {
  const client = (authorization?: string) =>
    identityServer().client(GatewayRegistryService, authorization ? { authorization } : {});
  const get = async (gatewayId: string, secrets: boolean) =>
    client().get({
      gatewayIds: { gatewayId },
      fieldMask: create(FieldMaskSchema, {
        paths: secrets ? [...gatewayFields, "lbs_lns_secret"] : [...gatewayFields],
      }),
    });
  return {
    async byEui(eui, options = {}) {
      const hex = Buffer.from(eui).toString("hex").toUpperCase();
      try {
        const ids = await client().getIdentifiersForEUI({ eui });
        return await get(ids.gatewayId, options.secrets === true);
      } catch (error) {
        throw refusal(error, () => errGatewayEuiNotFound.create({ eui: hex }, error));
      }
    },
    async byId(gatewayId, options = {}) {
      try {
        return await get(gatewayId, options.secrets === true);
      } catch (error) {
        throw refusal(error, () => errGatewayNotFound.create({ gateway: gatewayId }, error));
      }
    },
    async updateAntennas(gateway, antennas, authorization) {
      await client(authorization).update({
        gateway: { ids: gateway.ids, antennas },
        fieldMask: create(FieldMaskSchema, { paths: ["antennas"] }),
      });
    },
  };
}

/** Not found and no rights mean "not registered"; anything else: the registry is unavailable. */
function refusal(error: unknown, notFound: () => DefinedError): DefinedError {
  if (error instanceof DefinedError) {
    if (error.code === "not_found" || error.code === "permission_denied") return notFound();
    if (error.code === "invalid_argument") return error;
  }
  return errRegistryUnavailable.create({}, error);
}

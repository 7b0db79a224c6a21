import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { requestedPage } from "../../api/paging.ts";
import type { ApiRegistry } from "../../api/registry.ts";
import { errorNamespace } from "../../errors/index.ts";
import { EndDevicesSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import {
  EndDeviceRegistrySearch,
  type SearchEndDevicesRequest,
} from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import type { EndDeviceFilter } from "../store/index.ts";
import { authorize, type ServiceContext } from "./context.ts";
import { errMissingField } from "./convert.ts";
import { parseDeviceOrder } from "./device-order.ts";
import { applicationRef, readMask, toMessage } from "./end-devices.ts";

const errors = errorNamespace("identity-server/services/end-devices-search");
/** A search condition out of The Things Stack's bounds. */
export const errInvalidSearch = errors.invalidArgument(
  "invalid_search",
  "invalid `{field}`: {reason}",
);

/** The bounds of The Things Stack's search requests. */
const limits = { text: 50, eui: 16, devAddr: 8, attributes: 10, attributeValue: 50 } as const;
const attributeKey = /^[a-z0-9](?:-?[a-z0-9]){2,}$/;

/** The request's conditions, checked against The Things Stack's bounds. */
function filterOf(request: SearchEndDevicesRequest): EndDeviceFilter {
  const text = (field: string, value: string, max: number = limits.text) => {
    if ([...value].length > max)
      throw errInvalidSearch.create({ field, reason: `longer than ${max} characters` });
    return value || undefined;
  };
  const attributes = Object.entries(request.attributesContain);
  if (attributes.length > limits.attributes) {
    throw errInvalidSearch.create({
      field: "attributes_contain",
      reason: `more than ${limits.attributes} attributes`,
    });
  }
  for (const [key, value] of attributes) {
    if (key.length > 36 || !attributeKey.test(key))
      throw errInvalidSearch.create({ field: `attributes_contain.${key}`, reason: "invalid key" });
    text(`attributes_contain.${key}`, value, limits.attributeValue);
  }
  text("dev_addr_contains", request.devAddrContains, limits.devAddr);
  return {
    query: text("query", request.query),
    idContains: text("id_contains", request.idContains),
    nameContains: text("name_contains", request.nameContains),
    descriptionContains: text("description_contains", request.descriptionContains),
    attributesContain: Object.fromEntries(attributes),
    devEuiContains: text("dev_eui_contains", request.devEuiContains, limits.eui),
    joinEuiContains: text("join_eui_contains", request.joinEuiContains, limits.eui),
  };
}

/**
 * The Identity Server's EndDeviceRegistrySearch: the devices of one application whose ID,
 * name, description, attributes or EUIs contain the given texts (ignoring case), filtered,
 * ordered and paged in SQL, for callers who may read the application's devices. This Identity
 * Server does not keep DevAddrs: a non-empty `dev_addr_contains` matches no device.
 */
export function endDeviceRegistrySearch(
  context: ServiceContext,
): ServiceImpl<typeof EndDeviceRegistrySearch> {
  return {
    async searchEndDevices(request, handler) {
      const applicationId = request.applicationIds?.applicationId;
      if (!applicationId) throw errMissingField.create({ field: "application_ids.application_id" });
      const filter = filterOf(request);
      const order = parseDeviceOrder(request.order);
      const paging = requestedPage(request);
      await authorize(context, handler, applicationRef(applicationId), [
        "RIGHT_APPLICATION_DEVICES_READ",
      ]);
      const mask = readMask(request.fieldMask);
      const page = request.devAddrContains
        ? { items: [], total: 0 }
        : await context.stores.endDevices.find(applicationId, filter, { ...paging, order });
      handler.responseHeader.set("x-total-count", String(page.total));
      return create(EndDevicesSchema, {
        endDevices: page.items.map((device) => toMessage(device, mask)),
      });
    },
  };
}

/** Serves the EndDeviceRegistrySearch on the API. */
export function registerEndDeviceSearchService(api: ApiRegistry, services: ServiceContext): void {
  api.register(EndDeviceRegistrySearch, endDeviceRegistrySearch(services));
}

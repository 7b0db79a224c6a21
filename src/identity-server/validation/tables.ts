/**
 * The Things Stack's bounds for the Identity Server's entities (its `validate` rules in
 * api/ttn/lorawan/v3/*.proto), one table per kind of entity, by proto field name.
 */
import type { Duration, Timestamp } from "@bufbuild/protobuf/wkt";
import { GrantTypeSchema } from "../../gen/ttn/lorawan/v3/client_pb.js";
import {
  ContactMethodSchema,
  ContactTypeSchema,
} from "../../gen/ttn/lorawan/v3/contact_info_pb.js";
import { DownlinkPathConstraintSchema, StateSchema } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { GatewayAntennaPlacementSchema } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { LocationSourceSchema } from "../../gen/ttn/lorawan/v3/metadata_pb.js";
import { RightSchema } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import {
  address,
  all,
  bytes,
  check,
  enumValue,
  type FieldTable,
  id,
  list,
  map,
  message,
  number,
  schemeHostPortPattern,
  text,
} from "./rules.ts";

const attributes = map({ max: 10, key: id(), value: text({ max: 200 }) });

const contactInfo = message({
  contact_type: enumValue(ContactTypeSchema),
  contact_method: enumValue(ContactMethodSchema),
  value: text({ max: 256 }),
});

const name = text({ max: 50 });
const description = text({ max: 2000 });

/** Name, description, attributes and contact info: every entity has them. */
const common: FieldTable = {
  name,
  description,
  attributes,
  contact_info: list(contactInfo, { max: 10 }),
};

export const location = message({
  latitude: number({ min: -90, max: 90 }),
  longitude: number({ min: -180, max: 180 }),
  altitude: number({ integer: true }),
  accuracy: number({ integer: true }),
  source: enumValue(LocationSourceSchema),
});

/** A secret as the API carries it: the value in plain, at most 2048 bytes. */
const secret = message({ key_id: text({ max: 2048 }), value: bytes({ max: 2048 }) });

const nonNegativeDuration = check(
  (value) => (value as Duration).seconds >= 0n && (value as Duration).nanos >= 0,
  "value must not be negative",
);

const timeOrder = check((value) => {
  const code = value as { validFrom?: Timestamp; validTo?: Timestamp };
  if (!code.validFrom || !code.validTo) return true;
  const seconds = (time: Timestamp) => Number(time.seconds) + time.nanos / 1e9;
  return seconds(code.validTo) >= seconds(code.validFrom);
}, "valid_to must not be before valid_from");

const uri = all(
  text({ max: 2048 }),
  check((value) => value === "" || URL.canParse(String(value)), "value must be an absolute URI"),
);

const versionText = text({ max: 32 });

export const gateway: FieldTable = {
  ...common,
  version_ids: message({
    brand_id: id({ optional: true }),
    model_id: id({ optional: true }),
    hardware_version: versionText,
    firmware_version: versionText,
    runtime_version: versionText,
  }),
  gateway_server_address: text({
    max: 256,
    pattern: schemeHostPortPattern,
    describe: "be [scheme://]host[:port]",
    optional: true,
  }),
  update_channel: text({ max: 128 }),
  frequency_plan_id: text({ max: 64 }),
  frequency_plan_ids: list(text({ max: 64 }), { max: 8 }),
  antennas: list(
    message({
      gain: number(),
      location,
      attributes,
      placement: enumValue(GatewayAntennaPlacementSchema),
    }),
    { max: 8 },
  ),
  downlink_path_constraint: enumValue(DownlinkPathConstraintSchema),
  schedule_anytime_delay: nonNegativeDuration,
  lbs_lns_secret: secret,
  claim_authentication_code: all(
    check(
      (value) => (value as { secret?: unknown }).secret !== undefined,
      "the secret is required",
    ),
    message({ secret }),
    timeOrder,
  ),
  target_cups_uri: uri,
  target_cups_key: secret,
};

export const application: FieldTable = {
  ...common,
  network_server_address: address,
  application_server_address: address,
  join_server_address: address,
};

export const organization: FieldTable = common;

export const user: FieldTable = {
  ...common,
  primary_email_address: text({ max: 320 }),
  password: text({ max: 1000 }),
  state: enumValue(StateSchema),
  state_description: text({ max: 128 }),
};

const redirectUris = list(text({ max: 128 }), { max: 10 });

export const client: FieldTable = {
  ...common,
  secret: text({ max: 128 }),
  redirect_uris: redirectUris,
  logout_redirect_uris: redirectUris,
  state: enumValue(StateSchema),
  state_description: text({ max: 128 }),
  grants: list(enumValue(GrantTypeSchema), { max: 10, unique: true }),
  rights: list(enumValue(RightSchema), { max: 100, unique: true }),
};

export const endDevice: FieldTable = {
  name,
  description,
  attributes,
  version_ids: message({
    brand_id: id({ optional: true }),
    model_id: id({ optional: true }),
    hardware_version: versionText,
    firmware_version: versionText,
    band_id: versionText,
  }),
  service_profile_id: text({ max: 64 }),
  network_server_address: address,
  application_server_address: address,
  join_server_address: address,
  locations: map({ max: 10, key: id(), value: location }),
  frequency_plan_id: text({ max: 64 }),
  network_server_kek_label: text({ max: 2048 }),
  application_server_kek_label: text({ max: 2048 }),
  application_server_id: text({ max: 100 }),
  serial_number: id({ optional: true }),
  provisioner_id: id({ optional: true }),
};

/** An API key's name (its rights are checked against the caller's where it is made). */
export const apiKey: FieldTable = { name };

/** The filters of a search request. */
export const search: FieldTable = {
  query: text({ max: 50 }),
  id_contains: text({ max: 50 }),
  name_contains: text({ max: 50 }),
  description_contains: text({ max: 50 }),
  attributes_contain: map({ max: 10, key: id(), value: text({ max: 50 }) }),
  eui_contains: text({ max: 16 }),
};

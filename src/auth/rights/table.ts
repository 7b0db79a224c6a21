/**
 * The rights of the API as data, in one place: every right of The Things Stack's public
 * `ttn.lorawan.v3.Right` enum with its protobuf number, the kind of entity it applies to and
 * whether it is a pseudo-right (`..._ALL`) that stands for every right of its kind, current
 * and future. Names and numbers are facts of the public API reference (enum `Right`); the
 * numbers are wire values, so rows are never renumbered, only appended.
 */

/** The kinds of entity that rights are granted on. */
export type EntityKind = "user" | "application" | "gateway" | "organization" | "client";

/** The kind a right belongs to; `universal` rights are not tied to one kind of entity. */
export type RightKind = EntityKind | "universal";

/** One row of the rights table. */
export interface RightRow {
  readonly name: string;
  readonly number: number;
  readonly kind: RightKind;
  /** A pseudo-right (`..._ALL`) implies every right of its kind; `RIGHT_ALL` implies all. */
  readonly pseudo: boolean;
  /** Rights that holding this one grants as well (besides what a pseudo-right implies). */
  readonly implies?: readonly string[];
}

/**
 * The table, grouped by kind in the order of the API reference. `right_invalid` (0) is the
 * protobuf zero value and not a right, so it is not listed.
 */
export const rightsTable = [
  { name: "RIGHT_USER_INFO", number: 1, kind: "user", pseudo: false },
  { name: "RIGHT_USER_SETTINGS_BASIC", number: 2, kind: "user", pseudo: false },
  { name: "RIGHT_USER_SETTINGS_API_KEYS", number: 3, kind: "user", pseudo: false },
  { name: "RIGHT_USER_DELETE", number: 4, kind: "user", pseudo: false },
  { name: "RIGHT_USER_AUTHORIZED_CLIENTS", number: 5, kind: "user", pseudo: false },
  { name: "RIGHT_USER_APPLICATIONS_LIST", number: 6, kind: "user", pseudo: false },
  { name: "RIGHT_USER_APPLICATIONS_CREATE", number: 7, kind: "user", pseudo: false },
  { name: "RIGHT_USER_GATEWAYS_LIST", number: 8, kind: "user", pseudo: false },
  { name: "RIGHT_USER_GATEWAYS_CREATE", number: 9, kind: "user", pseudo: false },
  { name: "RIGHT_USER_CLIENTS_LIST", number: 10, kind: "user", pseudo: false },
  { name: "RIGHT_USER_CLIENTS_CREATE", number: 11, kind: "user", pseudo: false },
  { name: "RIGHT_USER_ORGANIZATIONS_LIST", number: 12, kind: "user", pseudo: false },
  { name: "RIGHT_USER_ORGANIZATIONS_CREATE", number: 13, kind: "user", pseudo: false },
  { name: "RIGHT_USER_NOTIFICATIONS_READ", number: 59, kind: "user", pseudo: false },
  { name: "RIGHT_USER_ALL", number: 14, kind: "user", pseudo: true },

  { name: "RIGHT_APPLICATION_INFO", number: 15, kind: "application", pseudo: false },
  { name: "RIGHT_APPLICATION_SETTINGS_BASIC", number: 16, kind: "application", pseudo: false },
  { name: "RIGHT_APPLICATION_SETTINGS_API_KEYS", number: 17, kind: "application", pseudo: false },
  {
    name: "RIGHT_APPLICATION_SETTINGS_COLLABORATORS",
    number: 18,
    kind: "application",
    pseudo: false,
  },
  { name: "RIGHT_APPLICATION_SETTINGS_PACKAGES", number: 56, kind: "application", pseudo: false },
  { name: "RIGHT_APPLICATION_DELETE", number: 19, kind: "application", pseudo: false },
  { name: "RIGHT_APPLICATION_DEVICES_READ", number: 20, kind: "application", pseudo: false },
  { name: "RIGHT_APPLICATION_DEVICES_WRITE", number: 21, kind: "application", pseudo: false },
  { name: "RIGHT_APPLICATION_DEVICES_READ_KEYS", number: 22, kind: "application", pseudo: false },
  { name: "RIGHT_APPLICATION_DEVICES_WRITE_KEYS", number: 23, kind: "application", pseudo: false },
  { name: "RIGHT_APPLICATION_TRAFFIC_READ", number: 24, kind: "application", pseudo: false },
  { name: "RIGHT_APPLICATION_TRAFFIC_UP_WRITE", number: 25, kind: "application", pseudo: false },
  { name: "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE", number: 26, kind: "application", pseudo: false },
  {
    // An Application Server's link reads uplink and writes downlink.
    name: "RIGHT_APPLICATION_LINK",
    number: 27,
    kind: "application",
    pseudo: false,
    implies: [
      "RIGHT_APPLICATION_INFO",
      "RIGHT_APPLICATION_TRAFFIC_READ",
      "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE",
    ],
  },
  { name: "RIGHT_APPLICATION_ALL", number: 28, kind: "application", pseudo: true },

  { name: "RIGHT_CLIENT_INFO", number: 60, kind: "client", pseudo: false },
  { name: "RIGHT_CLIENT_SETTINGS_BASIC", number: 61, kind: "client", pseudo: false },
  { name: "RIGHT_CLIENT_SETTINGS_COLLABORATORS", number: 62, kind: "client", pseudo: false },
  { name: "RIGHT_CLIENT_DELETE", number: 63, kind: "client", pseudo: false },
  { name: "RIGHT_CLIENT_ALL", number: 29, kind: "client", pseudo: true },

  { name: "RIGHT_GATEWAY_INFO", number: 30, kind: "gateway", pseudo: false },
  { name: "RIGHT_GATEWAY_SETTINGS_BASIC", number: 31, kind: "gateway", pseudo: false },
  { name: "RIGHT_GATEWAY_SETTINGS_API_KEYS", number: 32, kind: "gateway", pseudo: false },
  { name: "RIGHT_GATEWAY_SETTINGS_COLLABORATORS", number: 33, kind: "gateway", pseudo: false },
  { name: "RIGHT_GATEWAY_DELETE", number: 34, kind: "gateway", pseudo: false },
  { name: "RIGHT_GATEWAY_TRAFFIC_READ", number: 35, kind: "gateway", pseudo: false },
  { name: "RIGHT_GATEWAY_TRAFFIC_DOWN_WRITE", number: 36, kind: "gateway", pseudo: false },
  {
    // A gateway's own link must be able to read the gateway it connects as.
    name: "RIGHT_GATEWAY_LINK",
    number: 37,
    kind: "gateway",
    pseudo: false,
    implies: ["RIGHT_GATEWAY_INFO"],
  },
  { name: "RIGHT_GATEWAY_STATUS_READ", number: 38, kind: "gateway", pseudo: false },
  { name: "RIGHT_GATEWAY_LOCATION_READ", number: 39, kind: "gateway", pseudo: false },
  { name: "RIGHT_GATEWAY_WRITE_SECRETS", number: 57, kind: "gateway", pseudo: false },
  { name: "RIGHT_GATEWAY_READ_SECRETS", number: 58, kind: "gateway", pseudo: false },
  { name: "RIGHT_GATEWAY_ALL", number: 40, kind: "gateway", pseudo: true },

  { name: "RIGHT_ORGANIZATION_INFO", number: 41, kind: "organization", pseudo: false },
  { name: "RIGHT_ORGANIZATION_SETTINGS_BASIC", number: 42, kind: "organization", pseudo: false },
  { name: "RIGHT_ORGANIZATION_SETTINGS_API_KEYS", number: 43, kind: "organization", pseudo: false },
  { name: "RIGHT_ORGANIZATION_SETTINGS_MEMBERS", number: 44, kind: "organization", pseudo: false },
  { name: "RIGHT_ORGANIZATION_DELETE", number: 45, kind: "organization", pseudo: false },
  { name: "RIGHT_ORGANIZATION_APPLICATIONS_LIST", number: 46, kind: "organization", pseudo: false },
  {
    name: "RIGHT_ORGANIZATION_APPLICATIONS_CREATE",
    number: 47,
    kind: "organization",
    pseudo: false,
  },
  { name: "RIGHT_ORGANIZATION_GATEWAYS_LIST", number: 48, kind: "organization", pseudo: false },
  { name: "RIGHT_ORGANIZATION_GATEWAYS_CREATE", number: 49, kind: "organization", pseudo: false },
  { name: "RIGHT_ORGANIZATION_CLIENTS_LIST", number: 50, kind: "organization", pseudo: false },
  { name: "RIGHT_ORGANIZATION_CLIENTS_CREATE", number: 51, kind: "organization", pseudo: false },
  {
    name: "RIGHT_ORGANIZATION_ADD_AS_COLLABORATOR",
    number: 52,
    kind: "organization",
    pseudo: false,
  },
  { name: "RIGHT_ORGANIZATION_ALL", number: 53, kind: "organization", pseudo: true },

  // Not a right on the user entity, despite sending invites being something users do.
  { name: "RIGHT_SEND_INVITES", number: 54, kind: "universal", pseudo: false },
  { name: "RIGHT_ALL", number: 55, kind: "universal", pseudo: true },
] as const satisfies readonly RightRow[];

/** The name of a right, e.g. `RIGHT_APPLICATION_INFO`. */
export type RightName = (typeof rightsTable)[number]["name"];

/** A row of the table with its name typed as a {@link RightName}. */
export interface RightDefinition extends RightRow {
  readonly name: RightName;
  readonly implies?: readonly RightName[];
}

/** Every row, typed. */
export const rightDefinitions: readonly RightDefinition[] = rightsTable;

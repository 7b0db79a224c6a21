/**
 * The Identity Server's entities as the CLI sees them, one row per kind: command names, the ID
 * field, REST paths, who may own one, which fields can be selected and which can be set. The
 * commands (commands/entities.ts) and their actions are generated from these rows, so a kind
 * whose API has the same shape needs no code of its own. Pure data: loaded at registration.
 */

/** The kinds of entity the CLI manages; also the rights kinds of src/auth/rights. */
export type EntityKindName = "user" | "organization" | "application" | "gateway";

/** The owners an entity can be created under (its first collaborator). */
export type OwnerKind = "user" | "organization";

/** How a settable field is given on the command line and written into the entity. */
export type SetterType =
  /** One string. */
  | "text"
  /** A repeatable flag collected into a list. */
  | "list"
  /** `--flag` / `--no-flag`. */
  | "boolean"
  /** Repeatable `key=value` into a map. */
  | "attributes"
  /** 8 bytes in hex, written upper case. */
  | "eui";

/** A field that create and update can set: `--<flag>` writes `path` of the entity. */
export interface Setter {
  readonly flag: string;
  readonly path: string;
  readonly type: SetterType;
  readonly description: string;
  /** Only on create (e.g. a user's password, which has its own call later). */
  readonly createOnly?: boolean;
}

export interface EntityKind {
  readonly kind: EntityKindName;
  /** The command: `applications`. */
  readonly command: string;
  readonly aliases: readonly string[];
  /** `application_id`. */
  readonly idField: string;
  /** `application_ids`: how identifiers of this kind are nested in requests. */
  readonly idsField: string;
  /** The REST collection: `/applications`. */
  readonly collection: string;
  /** Owners a new one is created under; none: created at the collection itself (users). */
  readonly owners: readonly OwnerKind[];
  /** Collaborator kinds, when the entity has collaborators. */
  readonly collaborators: readonly OwnerKind[];
  /** The segment of a single collaborator's path on delete (TTS's paths differ per kind). */
  readonly collaboratorDeleteSegment: "collaborator" | "collaborators";
  /** Fields `--all` selects (`ids`, `created_at` and `updated_at` always come back). */
  readonly fields: readonly string[];
  /** Fields selectable one by one but left out of `--all` (secrets need their own rights). */
  readonly secretFields: readonly string[];
  readonly setters: readonly Setter[];
  /** An ID for the help's examples. */
  readonly exampleId: string;
}

const commonFields = [
  "name",
  "description",
  "attributes",
  "administrative_contact",
  "technical_contact",
  "deleted_at",
] as const;

const commonSetters: readonly Setter[] = [
  { flag: "name", path: "name", type: "text", description: "name" },
  { flag: "description", path: "description", type: "text", description: "description" },
  {
    flag: "attributes",
    path: "attributes",
    type: "attributes",
    description: "attribute key=value (repeatable)",
  },
];

/** The table. Order is the order of `lorastack --help`. */
export const entityKinds: readonly EntityKind[] = [
  {
    kind: "user",
    command: "users",
    aliases: ["user"],
    idField: "user_id",
    idsField: "user_ids",
    collection: "users",
    owners: [],
    collaborators: [],
    collaboratorDeleteSegment: "collaborator",
    fields: [
      ...["name", "description", "attributes", "deleted_at"],
      "primary_email_address",
      "primary_email_address_validated_at",
      "password_updated_at",
      "require_password_update",
      "state",
      "state_description",
      "admin",
      "temporary_password_created_at",
      "temporary_password_expires_at",
      "profile_picture",
      "console_preferences",
    ],
    secretFields: [],
    setters: [
      ...commonSetters,
      {
        flag: "primary-email-address",
        path: "primary_email_address",
        type: "text",
        description: "primary email address",
      },
      {
        flag: "password",
        path: "password",
        type: "text",
        description: "password (see the password policy)",
        createOnly: true,
      },
      { flag: "admin", path: "admin", type: "boolean", description: "network administrator" },
      {
        flag: "state",
        path: "state",
        type: "text",
        description: "STATE_REQUESTED, STATE_APPROVED, STATE_REJECTED, STATE_FLAGGED, ...",
      },
      {
        flag: "require-password-update",
        path: "require_password_update",
        type: "boolean",
        description: "require a new password at the next login",
      },
    ],
    exampleId: "alice",
  },
  {
    kind: "organization",
    command: "organizations",
    aliases: ["organization", "orgs", "org"],
    idField: "organization_id",
    idsField: "organization_ids",
    collection: "organizations",
    owners: ["user"],
    collaborators: ["user"],
    collaboratorDeleteSegment: "collaborators",
    fields: commonFields,
    secretFields: [],
    setters: commonSetters,
    exampleId: "my-org",
  },
  {
    kind: "application",
    command: "applications",
    aliases: ["application", "apps", "app"],
    idField: "application_id",
    idsField: "application_ids",
    collection: "applications",
    owners: ["user", "organization"],
    collaborators: ["user", "organization"],
    collaboratorDeleteSegment: "collaborator",
    fields: [
      ...commonFields,
      "network_server_address",
      "application_server_address",
      "join_server_address",
      "dev_eui_counter",
    ],
    secretFields: [],
    setters: [
      ...commonSetters,
      {
        flag: "network-server-address",
        path: "network_server_address",
        type: "text",
        description: "Network Server address",
      },
      {
        flag: "application-server-address",
        path: "application_server_address",
        type: "text",
        description: "Application Server address",
      },
      {
        flag: "join-server-address",
        path: "join_server_address",
        type: "text",
        description: "Join Server address",
      },
    ],
    exampleId: "my-app",
  },
  {
    kind: "gateway",
    command: "gateways",
    aliases: ["gateway", "gtws", "gtw"],
    idField: "gateway_id",
    idsField: "gateway_ids",
    collection: "gateways",
    owners: ["user", "organization"],
    collaborators: ["user", "organization"],
    collaboratorDeleteSegment: "collaborators",
    fields: [
      ...commonFields,
      "version_ids",
      "gateway_server_address",
      "auto_update",
      "update_channel",
      "frequency_plan_id",
      "frequency_plan_ids",
      "antennas",
      "status_public",
      "location_public",
      "schedule_downlink_late",
      "enforce_duty_cycle",
      "downlink_path_constraint",
      "schedule_anytime_delay",
      "update_location_from_status",
      "require_authenticated_connection",
      "lrfhss",
      "disable_packet_broker_forwarding",
      "target_cups_uri",
    ],
    secretFields: ["lbs_lns_secret", "claim_authentication_code", "target_cups_key"],
    setters: [
      ...commonSetters,
      {
        flag: "gateway-eui",
        path: "ids.eui",
        type: "eui",
        description: "the gateway's EUI (16 hex digits)",
      },
      {
        flag: "frequency-plan-id",
        path: "frequency_plan_ids",
        type: "list",
        description: "frequency plan ID (repeatable, e.g. EU_863_870)",
      },
      {
        flag: "gateway-server-address",
        path: "gateway_server_address",
        type: "text",
        description: "Gateway Server address the gateway connects to",
      },
      {
        flag: "enforce-duty-cycle",
        path: "enforce_duty_cycle",
        type: "boolean",
        description: "enforce the band's duty cycle",
      },
      {
        flag: "status-public",
        path: "status_public",
        type: "boolean",
        description: "make the status public",
      },
      {
        flag: "location-public",
        path: "location_public",
        type: "boolean",
        description: "make the location public",
      },
      {
        flag: "schedule-downlink-late",
        path: "schedule_downlink_late",
        type: "boolean",
        description: "hold downlinks until just before transmission",
      },
      {
        flag: "update-location-from-status",
        path: "update_location_from_status",
        type: "boolean",
        description: "take the location from status messages",
      },
      {
        flag: "require-authenticated-connection",
        path: "require_authenticated_connection",
        type: "boolean",
        description: "refuse unauthenticated connections",
      },
    ],
    exampleId: "my-gateway",
  },
];

/** Selector flag of a field path: `frequency_plan_ids` → `frequency-plan-ids`. */
export function flagOfField(field: string): string {
  return field.replaceAll("_", "-");
}

/** The ID flag of a kind: `application-id`. */
export function idFlag(kind: EntityKind): string {
  return flagOfField(kind.idField);
}

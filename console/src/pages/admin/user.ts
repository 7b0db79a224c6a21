/** A user as the Identity Server returns it (TTS JSON). */
export type User = {
  ids: { user_id: string };
  name?: string;
  description?: string;
  primary_email_address?: string;
  primary_email_address_validated_at?: string;
  state?: string;
  state_description?: string;
  admin?: boolean;
  require_password_update?: boolean;
  created_at?: string;
  updated_at?: string;
  deleted_at?: string;
};

/** The user fields the admin pages ask for. */
export const userFields = [
  "name",
  "description",
  "primary_email_address",
  "primary_email_address_validated_at",
  "state",
  "state_description",
  "admin",
  "created_at",
  "deleted_at",
];

/** TTS's account states, with what the admin pages call them. */
export const states = [
  { value: "STATE_REQUESTED", label: "Requested" },
  { value: "STATE_APPROVED", label: "Approved" },
  { value: "STATE_REJECTED", label: "Rejected" },
  { value: "STATE_FLAGGED", label: "Flagged" },
  { value: "STATE_SUSPENDED", label: "Suspended" },
];

/**
 * A state as TTS may write it (name, or number from a server that writes enums as numbers;
 * absent = the zero value, requested) → its name.
 */
export function stateName(state: unknown): string {
  if (typeof state === "number") return states[state]?.value ?? "STATE_REQUESTED";
  if (typeof state === "string" && states.some((s) => s.value === state)) return state;
  return "STATE_REQUESTED";
}

/** "Approved", ... */
export function stateLabel(state: unknown): string {
  const name = stateName(state);
  return states.find((s) => s.value === name)?.label ?? name;
}

/** A Mantine colour for a state badge. */
export function stateColor(state: unknown): string {
  switch (stateName(state)) {
    case "STATE_APPROVED":
      return "green";
    case "STATE_REQUESTED":
    case "STATE_FLAGGED":
      return "yellow";
    default:
      return "red";
  }
}

/** A plausible e-mail address (`admin@localhost` included; the server checks it properly). */
export function emailError(value: string): string | null {
  return /^[^\s@]+@[^\s@]+$/.test(value.trim()) ? null : "Not an e-mail address";
}

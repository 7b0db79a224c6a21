import { attributeOf, type Flags } from "../arguments.ts";
import { deviceFields, registriesOf } from "./registries.ts";

/**
 * What `end-devices get` and `list` select, as ttn-lw-cli's selectors: `--all` is every field
 * but the keys, `--<field>` (`--mac-settings`, `--frequency-plan-id`) one field,
 * `--with-root-keys` the root keys and `--with-session` the session with its keys.
 */

/** The session without its keys: what `--all` shows of it. */
const sessionWithoutKeys = [
  "session.dev_addr",
  "session.started_at",
  "session.last_f_cnt_up",
  "session.last_n_f_cnt_down",
  "session.last_a_f_cnt_down",
  "session.last_conf_f_cnt_down",
];

/** Fields with keys in them: selected one by one, never by `--all`. */
const keyFields = new Set(["root_keys", "session", "pending_session"]);

/** `mac_settings` → `mac-settings`. */
export function selectorFlag(field: string): string {
  return field.replace(/_/g, "-");
}

/** The fields that get (`all` registries) or list (the IS only) can select one by one. */
export function selectableFields(scope: "get" | "list"): string[] {
  return scope === "get"
    ? [...deviceFields]
    : deviceFields.filter((field) => registriesOf(field).includes("is"));
}

/** The field mask paths the selector flags ask. */
export function selectedPaths(flags: Flags, scope: "get" | "list"): string[] {
  const fields = selectableFields(scope);
  const paths: string[] = [];
  const add = (path: string) => {
    if (!paths.includes(path)) paths.push(path);
  };
  if (flags.all === true) {
    for (const field of fields) if (!keyFields.has(field)) add(field);
    if (scope === "get") for (const path of sessionWithoutKeys) add(path);
  }
  for (const field of fields) if (flags[attributeOf(selectorFlag(field))] === true) add(field);
  if (scope === "get") {
    if (flags.withRootKeys === true) add("root_keys");
    if (flags.withSession === true) add("session");
  }
  return paths;
}

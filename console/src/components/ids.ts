/**
 * The Things Stack's ID rule, shared by every entity (applications, devices, gateways, users,
 * organizations, webhooks, pub/subs) and attribute keys: lowercase
 * letters, digits and single inner hyphens, 3 to 36 characters.
 */
export const idPattern = /^[a-z0-9](?:[-]?[a-z0-9]){2,}$/;
export const idMaxLength = 36;

/** Why `value` is not a valid ID (a sentence for the form), or null when it is one. */
export function idError(value: string): string | null {
  if (value === "") return "Enter an ID";
  if (value.length > idMaxLength)
    return `At most ${idMaxLength} characters (this is ${value.length})`;
  if (/[A-Z]/.test(value)) return "Lowercase letters only";
  if (/[^a-z0-9-]/.test(value)) return "Only lowercase letters, digits and hyphens";
  if (value.startsWith("-") || value.endsWith("-")) return "Cannot start or end with a hyphen";
  if (value.includes("--")) return "No two hyphens in a row";
  if (value.length < 3) return "At least 3 characters";
  return idPattern.test(value) ? null : "Not a valid ID";
}

/** A valid ID made from a display name (for the ID field's suggestion), or "" when none fits. */
export function idFromName(name: string): string {
  const id = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, idMaxLength)
    .replace(/-+$/, "");
  return idError(id) === null ? id : "";
}

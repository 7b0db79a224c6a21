/** An organization as the Identity Server returns it (TTS JSON). */
export type Organization = {
  ids: { organization_id: string };
  name?: string;
  description?: string;
  created_at?: string;
  updated_at?: string;
};

/** The organization fields lists and pages ask for. */
export const organizationFields = ["name", "description", "created_at", "updated_at"];

/** Monospace for an input's text only (its label and description keep the UI font). */
export const monoInput = { input: { fontFamily: "var(--mantine-font-family-monospace)" } };

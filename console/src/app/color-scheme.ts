import { localStorageColorSchemeManager } from "@mantine/core";

/** Where the chosen color scheme is remembered (index.html reads it before the first paint). */
export const colorSchemeKey = "lorastack-color-scheme";

export const colorSchemeManager = localStorageColorSchemeManager({ key: colorSchemeKey });

/** The per-response CSP nonce the server writes into `<meta name="csp-nonce">`. */
export function styleNonce(): string {
  const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content;
  return nonce && nonce !== "__CSP_NONCE__" ? nonce : "";
}

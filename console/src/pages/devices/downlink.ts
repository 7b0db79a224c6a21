/** The Messaging tab's downlink: checked form values → TTS's `ApplicationDownlink` JSON. */

export interface DownlinkValues {
  fPort: string;
  payloadType: "bytes" | "json";
  payload: string;
  confirmed: boolean;
}

/** The downlink to queue, or an error per field. */
export function buildDownlink(
  values: DownlinkValues,
):
  | { downlink: Record<string, unknown> }
  | { errors: Partial<Record<keyof DownlinkValues, string>> } {
  const errors: Partial<Record<keyof DownlinkValues, string>> = {};
  const fPort = Number(values.fPort.trim());
  if (!/^\d+$/.test(values.fPort.trim()) || fPort < 1 || fPort > 223)
    errors.fPort = "FPort must be a whole number from 1 to 223";
  const downlink: Record<string, unknown> = { f_port: fPort, confirmed: values.confirmed };
  if (values.payloadType === "bytes") {
    const hex = values.payload.replace(/\s+/g, "").replace(/^0x/i, "");
    if (!/^[0-9a-fA-F]*$/.test(hex)) errors.payload = "Only hex digits (0-9, a-f) and spaces";
    else if (hex.length % 2 !== 0) errors.payload = "An even number of hex digits (two per byte)";
    else downlink.frm_payload = hexToBase64(hex);
  } else {
    try {
      const decoded: unknown = JSON.parse(values.payload);
      if (decoded === null || typeof decoded !== "object" || Array.isArray(decoded))
        errors.payload = "A JSON object, which the payload formatter encodes";
      else downlink.decoded_payload = decoded;
    } catch (error) {
      errors.payload = `Not JSON: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return Object.keys(errors).length > 0 ? { errors } : { downlink };
}

export function hexToBase64(hex: string): string {
  let binary = "";
  for (let i = 0; i < hex.length; i += 2)
    binary += String.fromCharCode(Number.parseInt(hex.slice(i, i + 2), 16));
  return btoa(binary);
}

/** Base64 bytes as spaced upper-case hex (`01 AB`); "" for bad base64. */
export function base64ToHex(base64: string | undefined): string {
  if (!base64) return "";
  try {
    return [...atob(base64)]
      .map((char) => char.charCodeAt(0).toString(16).padStart(2, "0").toUpperCase())
      .join(" ");
  } catch {
    return "";
  }
}

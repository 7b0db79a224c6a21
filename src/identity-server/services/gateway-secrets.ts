/**
 * A gateway's secrets at rest: `lbs_lns_secret`, `claim_authentication_code` and
 * `target_cups_key` are encrypted by the key vault before they are stored and decrypted only
 * for a caller that named them in a field mask and holds `RIGHT_GATEWAY_READ_SECRETS`.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { errorNamespace } from "../../errors/index.ts";
import type {
  Gateway as GatewayMessage,
  GatewaySchema,
} from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import type { Secret as SecretMessage } from "../../gen/ttn/lorawan/v3/secrets_pb.js";
import type { KeyVault } from "../../key-vault/index.ts";
import type { Gateway, GatewayFields, StoredSecret } from "../store/index.ts";

const errors = errorNamespace("identity-server/gateway-secrets");
export const errNoKeyVault = errors.failedPrecondition(
  "no_key_vault",
  "secrets cannot be stored or read: this Identity Server has no key vault",
);

/** The secret fields of a gateway, by API path. */
export const secretFields = {
  lbs_lns_secret: "lbsLnsSecret",
  claim_authentication_code: "claimAuthenticationCode",
  target_cups_key: "targetCupsKey",
} as const satisfies Record<string, keyof GatewayFields>;

export type SecretField = (typeof secretFields)[keyof typeof secretFields];

/** Every secret field. */
export const allSecretFields = Object.values(secretFields) as readonly SecretField[];

/** The secret fields among `fields` (all of them when `fields` is undefined). */
export function secretFieldsIn(
  fields: readonly (keyof GatewayFields)[] | undefined,
): SecretField[] {
  return allSecretFields.filter((field) => fields?.includes(field));
}

/** Secrets in plain, as a response carries them. */
export type PlainSecrets = Pick<
  MessageInitShape<typeof GatewaySchema>,
  "lbsLnsSecret" | "claimAuthenticationCode" | "targetCupsKey"
>;

function vaultOf(vault: KeyVault | undefined): KeyVault {
  if (!vault) throw errNoKeyVault.create();
  return vault;
}

async function seal(
  vault: KeyVault,
  secret: SecretMessage | undefined,
): Promise<StoredSecret | undefined> {
  if (!secret || secret.value.length === 0) return undefined;
  const sealed = await vault.encrypt(secret.value);
  return { keyId: sealed.keyId, value: Buffer.from(sealed.value).toString("base64") };
}

async function open(vault: KeyVault | undefined, stored: StoredSecret) {
  const value = Buffer.from(stored.value, "base64");
  // An empty key ID is a value kept in plain (imported from a deployment without a key).
  if (stored.keyId === "") return { keyId: "", value: new Uint8Array(value) };
  return {
    keyId: stored.keyId,
    value: await vaultOf(vault).decrypt({ keyId: stored.keyId, value }),
  };
}

/**
 * The secret `fields` of a request's gateway, encrypted for storage (an absent or empty
 * secret clears the field), and the same in plain for the response.
 */
export async function sealSecrets(
  vault: KeyVault | undefined,
  message: GatewayMessage | undefined,
  fields: readonly SecretField[],
): Promise<{ stored: Pick<GatewayFields, SecretField>; plain: PlainSecrets }> {
  const stored: Pick<GatewayFields, SecretField> = {};
  const plain: PlainSecrets = {};
  if (fields.length === 0) return { stored, plain };
  const given = {
    lbsLnsSecret: message?.lbsLnsSecret,
    targetCupsKey: message?.targetCupsKey,
    claimAuthenticationCode: message?.claimAuthenticationCode?.secret,
  };
  if (fields.some((field) => given[field]?.value.length)) vaultOf(vault);
  for (const field of fields) {
    const secret = await seal(vault as KeyVault, given[field]);
    if (field === "claimAuthenticationCode") {
      const code = message?.claimAuthenticationCode;
      stored.claimAuthenticationCode = secret && {
        secret,
        validFrom: code?.validFrom && timestampDate(code.validFrom).toISOString(),
        validTo: code?.validTo && timestampDate(code.validTo).toISOString(),
      };
      if (secret && code) plain.claimAuthenticationCode = code;
    } else {
      stored[field] = secret;
      if (secret) plain[field] = given[field];
    }
  }
  return { stored, plain };
}

/** The stored secret `fields` of a gateway, decrypted for a response. */
export async function openSecrets(
  vault: KeyVault | undefined,
  gateway: Gateway,
  fields: readonly SecretField[],
): Promise<PlainSecrets> {
  const plain: PlainSecrets = {};
  for (const field of fields) {
    if (field === "claimAuthenticationCode") {
      const code = gateway.claimAuthenticationCode;
      if (!code) continue;
      plain.claimAuthenticationCode = {
        secret: await open(vault, code.secret),
        validFrom: code.validFrom ? timestampFromDate(new Date(code.validFrom)) : undefined,
        validTo: code.validTo ? timestampFromDate(new Date(code.validTo)) : undefined,
      };
    } else {
      const stored = gateway[field];
      if (stored) plain[field] = await open(vault, stored);
    }
  }
  return plain;
}

/**
 * The gateway's stored secrets re-encrypted under the vault's default key (rotation), or
 * `undefined` when every one already is. Values kept in plain are encrypted too.
 */
export async function reencryptSecrets(
  vault: KeyVault,
  gateway: Pick<GatewayFields, SecretField>,
): Promise<Pick<GatewayFields, SecretField> | undefined> {
  const current = (secret: StoredSecret | undefined) =>
    secret === undefined || secret.keyId === vault.defaultLabel;
  const code = gateway.claimAuthenticationCode;
  if (current(gateway.lbsLnsSecret) && current(gateway.targetCupsKey) && current(code?.secret))
    return undefined;
  const rotate = async (secret: StoredSecret): Promise<StoredSecret> => {
    if (secret.keyId === vault.defaultLabel) return secret;
    const plain = await open(vault, secret);
    const sealed = await vault.encrypt(plain.value);
    return { keyId: sealed.keyId, value: Buffer.from(sealed.value).toString("base64") };
  };
  const changes: Pick<GatewayFields, SecretField> = {};
  if (gateway.lbsLnsSecret) changes.lbsLnsSecret = await rotate(gateway.lbsLnsSecret);
  if (gateway.targetCupsKey) changes.targetCupsKey = await rotate(gateway.targetCupsKey);
  if (code) changes.claimAuthenticationCode = { ...code, secret: await rotate(code.secret) };
  return changes;
}

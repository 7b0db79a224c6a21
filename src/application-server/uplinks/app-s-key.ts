/**
 * Where the AppSKey of an uplink's session comes from, in The Things Stack's order: the
 * envelope the Network Server forwarded (wrapped for the Application Server), the stored
 * session (or pending session) with that session key ID, or the Join Server (`AsJs.GetAppSKey`)
 * when only the session key ID is known.
 */
import type { Client } from "@connectrpc/connect";
import type { EndDevice } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { AsJs } from "../../gen/ttn/lorawan/v3/joinserver_pb.js";
import type { KeyEnvelope } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import { hasKey, openKey } from "../../key-vault/key-envelopes.ts";
import type { KeyVault } from "../../key-vault/key-vault.ts";
import { hex, sessionWithKeyId } from "../downlinks/session-crypto.ts";
import { errNoAppSKey } from "./errors.ts";

/** The Join Server as this part uses it (the `js` peer's `AsJs` client). */
export type JoinServerKeys = Pick<Client<typeof AsJs>, "getAppSKey">;

/** An AppSKey and where it came from (`stored`: nothing to write back). */
export interface ResolvedKey {
  key: Uint8Array;
  source: "envelope" | "stored" | "join_server";
}

export interface AppSKeyResolver {
  resolve(
    device: EndDevice,
    sessionKeyId: Uint8Array,
    envelope: KeyEnvelope | undefined,
  ): Promise<ResolvedKey>;
}

export function createAppSKeyResolver(options: {
  keyVault: KeyVault;
  /** Without one, a key that is neither forwarded nor stored is `no_app_s_key`. */
  joinServer?: () => JoinServerKeys;
}): AppSKeyResolver {
  const { keyVault } = options;
  return {
    async resolve(device, sessionKeyId, envelope) {
      if (hasKey(envelope)) {
        const key = await openKey(keyVault, envelope);
        if (key?.length === 16) return { key, source: "envelope" };
      }
      const stored = sessionWithKeyId(device, sessionKeyId)?.keys?.appSKey?.key;
      if (stored?.length === 16) return { key: stored, source: "stored" };
      const joinServer = options.joinServer?.();
      if (joinServer && sessionKeyId.length > 0) {
        const response = await joinServer.getAppSKey({
          sessionKeyId,
          devEui: device.ids?.devEui ?? new Uint8Array(),
          joinEui: device.ids?.joinEui ?? new Uint8Array(),
        });
        const key = await openKey(keyVault, response.appSKey);
        if (key?.length === 16) return { key, source: "join_server" };
      }
      throw errNoAppSKey.create({ session_key_id: hex(sessionKeyId) });
    },
  };
}

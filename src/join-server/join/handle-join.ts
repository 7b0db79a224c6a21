/**
 * The Join Server's {@link JoinHandler}: joins and session key lookups for Network and
 * Application Servers, whichever transport brings them (NsJs/AsJs, Backend Interfaces).
 *
 * A join is one atomic device update whose change verifies the MIC and the nonce rule and
 * advances the DevNonce (or RJcount) and the JoinNonce: a refused request stores nothing, and
 * the JoinNonce is durable before the join-accept leaves, so it never repeats across a crash.
 * Then the session keys get an ID, are stored, and are handed out wrapped for their receivers.
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { correlationIdOf, errorDetailsMessage } from "../../api/error-details.ts";
import { asDefinedError } from "../../api/errors.ts";
import type { EntityRef, EventBus } from "../../events/index.ts";
import type { EndDevice } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import {
  type JoinRequest,
  type JoinResponse,
  JoinResponseSchema,
} from "../../gen/ttn/lorawan/v3/join_pb.js";
import {
  type AppSKeyResponse,
  AppSKeyResponseSchema,
  type NwkSKeysResponse,
  NwkSKeysResponseSchema,
  type SessionKeyRequest,
} from "../../gen/ttn/lorawan/v3/joinserver_pb.js";
import { type KeyEnvelope, SessionKeysSchema } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import type { KeyVault } from "../../key-vault/index.ts";
import { openKey, sealKey } from "../../key-vault/key-envelopes.ts";
import type { Logger } from "../../log/logger.ts";
import { formatHex } from "../../lorawan/types/index.ts";
import type { JoinServerConfig } from "../config.ts";
import {
  errDeviceAmbiguous,
  errDeviceNotFound,
  errSessionKeysNotFound,
  errUnknownJoinEui,
} from "../errors.ts";
import { evtJoinAccept, evtJoinReject } from "../events.ts";
import { matchesPrefix, parseJoinEuiPrefixes } from "../join-eui-prefixes.ts";
import type { HomeNetwork, JoinHandler, JoinOrigin } from "../join-handler.ts";
import type { JsDeviceRegistry, JsSessionKeyRegistry } from "../registry.ts";
import { acceptJoin, checkOrigin, type DerivedKeys, type JoinOutcome } from "./accept-join.ts";
import { decodeJoinMessage, type JoinRequestMessage } from "./join-message.ts";
import { sessionKeyId } from "./session-key-id.ts";
import { versionRules } from "./versions.ts";

export interface JoinHandlerOptions {
  devices: JsDeviceRegistry;
  sessionKeys: JsSessionKeyRegistry;
  keyVault: KeyVault;
  config: JoinServerConfig;
  events: EventBus;
  logger: Logger;
  /** The clock of session key IDs (tests); default `Date.now`. */
  now?: () => number;
}

type SessionKeysInit = MessageInitShape<typeof SessionKeysSchema>;

/** The end device an event is about. */
function deviceRef(device: EndDevice): EntityRef[] {
  const applicationId = device.ids?.applicationIds?.applicationId;
  const deviceId = device.ids?.deviceId;
  return applicationId && deviceId
    ? [{ kind: "end_device", id: `${applicationId}.${deviceId}` }]
    : [];
}

export function createJoinHandler(options: JoinHandlerOptions): JoinHandler {
  const { devices, sessionKeys, keyVault, config, events, logger } = options;
  const now = options.now ?? Date.now;
  const prefixes = parseJoinEuiPrefixes(config.js.join_eui_prefixes);

  /** Who may unwrap the keys of a device: its own KEK label, the configured one, the vault's. */
  const labels = {
    network: (device: EndDevice) =>
      device.networkServerKekLabel || config.js.network_server_kek_label || keyVault.defaultLabel,
    application: (device: EndDevice) =>
      device.applicationServerKekLabel ||
      config.js.application_server_kek_label ||
      keyVault.defaultLabel,
  };

  const sealForNetwork = (device: EndDevice, key: Uint8Array | undefined) =>
    key ? sealKey(keyVault, key, labels.network(device)) : undefined;
  const sealForApplication = (device: EndDevice, key: Uint8Array | undefined) =>
    key ? sealKey(keyVault, key, labels.application(device)) : undefined;

  /** The JoinEUI and DevEUI of the device; rejoin types 0 and 2 carry no JoinEUI. */
  async function locate(
    message: JoinRequestMessage,
  ): Promise<{ joinEui: Uint8Array; devEui: Uint8Array }> {
    if (message.joinEui) return { joinEui: message.joinEui, devEui: message.devEui };
    const found = await devices.findByDevEui(message.devEui);
    const [only, ...others] = found;
    if (!only) {
      throw errDeviceNotFound.create({ join_eui: new Uint8Array(8), dev_eui: message.devEui });
    }
    if (others.length > 0) throw errDeviceAmbiguous.create({ dev_eui: message.devEui });
    return { joinEui: only.ids?.joinEui ?? new Uint8Array(8), devEui: message.devEui };
  }

  function plainSessionKeys(id: Uint8Array, keys: DerivedKeys): SessionKeysInit {
    const envelope = (key: Uint8Array | undefined) => (key ? { key } : undefined);
    return {
      sessionKeyId: id,
      fNwkSIntKey: envelope(keys.fNwkSIntKey),
      sNwkSIntKey: envelope(keys.sNwkSIntKey),
      nwkSEncKey: envelope(keys.nwkSEncKey),
      appSKey: envelope(keys.appSKey),
    };
  }

  async function join(
    request: JoinRequest,
    origin: JoinOrigin,
    about: { identifiers: EntityRef[] },
  ): Promise<JoinResponse> {
    const rules = versionRules(request.selectedMacVersion);
    const message = decodeJoinMessage(request.rawPayload);
    const { joinEui, devEui } = await locate(message);
    // As The Things Stack's: a JoinEUI this Join Server does not serve is not looked up.
    if (!prefixes.some((prefix) => matchesPrefix(prefix, joinEui)))
      throw errUnknownJoinEui.create({ join_eui: formatHex(joinEui) });
    let outcome: JoinOutcome | undefined;
    const device = await devices.updateByEuis(joinEui, devEui, (current) => {
      if (!current) throw errDeviceNotFound.create({ join_eui: joinEui, dev_eui: devEui });
      about.identifiers = deviceRef(current);
      outcome = acceptJoin(current, { request, message, rules, origin });
      return outcome.device;
    });
    const { joinAccept, keys } = outcome as JoinOutcome;
    const id = sessionKeyId(now());
    await sessionKeys.put(joinEui, devEui, create(SessionKeysSchema, plainSessionKeys(id, keys)));
    return create(JoinResponseSchema, {
      rawPayload: joinAccept,
      sessionKeys: {
        sessionKeyId: id,
        fNwkSIntKey: await sealForNetwork(device, keys.fNwkSIntKey),
        sNwkSIntKey: await sealForNetwork(device, keys.sNwkSIntKey),
        nwkSEncKey: await sealForNetwork(device, keys.nwkSEncKey),
        appSKey: await sealForApplication(device, keys.appSKey),
      },
      correlationIds: request.correlationIds,
    });
  }

  /** The device and the session's plain keys, for a caller the device's origin rule admits. */
  async function session(request: SessionKeyRequest, origin: JoinOrigin) {
    const device = await devices.getByEuis(request.joinEui, request.devEui);
    if (!device) {
      throw errDeviceNotFound.create({ join_eui: request.joinEui, dev_eui: request.devEui });
    }
    checkOrigin(device, origin);
    const keys = await sessionKeys.get(request.joinEui, request.devEui, request.sessionKeyId);
    const open = (envelope: KeyEnvelope | undefined) => openKey(keyVault, envelope);
    return {
      device,
      fNwkSIntKey: await open(keys.fNwkSIntKey),
      sNwkSIntKey: await open(keys.sNwkSIntKey),
      nwkSEncKey: await open(keys.nwkSEncKey),
      appSKey: await open(keys.appSKey),
    };
  }

  function notFound(request: SessionKeyRequest) {
    return errSessionKeysNotFound.create({
      session_key_id: request.sessionKeyId,
      join_eui: request.joinEui,
      dev_eui: request.devEui,
    });
  }

  return {
    async handleJoin(request, origin) {
      const about = { identifiers: [] as EntityRef[] };
      const correlationIds = request.correlationIds;
      try {
        const response = await join(request, origin, about);
        events.publish(evtJoinAccept, { identifiers: about.identifiers, correlationIds });
        return response;
      } catch (error) {
        const defined = asDefinedError(error);
        logger.debug({ err: defined, identifiers: about.identifiers }, "join-request rejected");
        events.publish(evtJoinReject, {
          identifiers: about.identifiers,
          data: errorDetailsMessage(defined, correlationIdOf(defined) ?? correlationIds[0] ?? ""),
          correlationIds,
        });
        throw error;
      }
    },

    async getNwkSKeys(request, origin): Promise<NwkSKeysResponse> {
      const found = await session(request, origin);
      if (!found.fNwkSIntKey) throw notFound(request);
      return create(NwkSKeysResponseSchema, {
        fNwkSIntKey: await sealForNetwork(found.device, found.fNwkSIntKey),
        sNwkSIntKey: await sealForNetwork(found.device, found.sNwkSIntKey),
        nwkSEncKey: await sealForNetwork(found.device, found.nwkSEncKey),
      });
    },

    async getAppSKey(request, origin): Promise<AppSKeyResponse> {
      const found = await session(request, origin);
      if (!found.appSKey) throw notFound(request);
      return create(AppSKeyResponseSchema, {
        appSKey: await sealForApplication(found.device, found.appSKey),
      });
    },

    async homeNetwork(joinEui, devEui): Promise<HomeNetwork> {
      const device = await devices.getByEuis(joinEui, devEui);
      if (!device) throw errDeviceNotFound.create({ join_eui: joinEui, dev_eui: devEui });
      return { netId: device.netId, networkServerAddress: device.networkServerAddress };
    },
  };
}

import { randomBytes } from "node:crypto";
import type { DevicePlan, Fleet, GatewayPlan } from "./fleet.ts";
import { registryVersions } from "./fleet.ts";

/** Where and as whom the fleet is registered. */
export interface RegistrationTarget {
  /** `http://host:1885`. */
  apiUrl: string;
  apiKey: string;
  applicationId: string;
  /** The user that owns the simulated gateways. */
  gatewayOwner: string;
  frequencyPlanId: string;
  /** `host:port` gateways are told to connect to. */
  gatewayServerAddress: string;
}

/** An answer of the API that was not a success, with what the call was. */
export class RegistrationError extends Error {
  readonly status: number;
  constructor(what: string, status: number, body: string) {
    super(`${what}: HTTP ${status} ${body.slice(0, 300)}`);
    this.status = status;
  }
}

/**
 * Registers the fleet through the public API, as an operator would: each gateway in the Identity
 * Server (a gateway key made for Basics Station gateways), each device in the Identity, Join (OTAA),
 * Network and Application Servers. What exists already is updated, so a run can register the
 * same fleet again. Resolves to the LNS credential of each Basics Station gateway.
 */
export async function registerFleet(
  fleet: Fleet,
  target: RegistrationTarget,
  options: { concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<Map<string, string>> {
  const call = apiCaller(target);
  const keys = new Map<string, string>();
  for (const gateway of fleet.gateways) {
    // A Basics Station presents its gateway's LNS secret (`lbs_lns_secret`): a fresh one each run.
    const secret =
      gateway.protocol === "basic-station" ? randomBytes(24).toString("base64url") : undefined;
    await registerGateway(call, target, gateway, secret);
    if (secret) keys.set(gateway.id, `Bearer ${secret}`);
  }
  let done = 0;
  const queue = [...fleet.devices];
  const worker = async () => {
    for (let device = queue.shift(); device; device = queue.shift()) {
      await registerDevice(call, target, device);
      options.onProgress?.(++done, fleet.devices.length);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return keys;
}

type Call = (
  method: string,
  path: string,
  body?: unknown,
  okStatuses?: number[],
) => Promise<unknown>;

function apiCaller(target: RegistrationTarget): Call {
  return async (method, path, body, okStatuses = []) => {
    const response = await fetch(`${target.apiUrl}/api/v3${path}`, {
      method,
      headers: {
        authorization: `Bearer ${target.apiKey}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok && !okStatuses.includes(response.status))
      throw new RegistrationError(`${method} ${path}`, response.status, text);
    return text ? (JSON.parse(text) as unknown) : {};
  };
}

async function registerGateway(
  call: Call,
  target: RegistrationTarget,
  gateway: GatewayPlan,
  secret: string | undefined,
) {
  const lnsSecret = secret
    ? { lbs_lns_secret: { value: Buffer.from(secret).toString("base64") } }
    : {};
  const body = {
    gateway: {
      ids: { gateway_id: gateway.id, eui: gateway.eui.toUpperCase() },
      name: `Simulated gateway ${gateway.id}`,
      frequency_plan_ids: [target.frequencyPlanId],
      gateway_server_address: target.gatewayServerAddress,
      enforce_duty_cycle: true,
      ...lnsSecret,
    },
  };
  const created = await call("POST", `/users/${target.gatewayOwner}/gateways`, body, [409]);
  if ((created as { code?: number }).code === 6)
    await call("PUT", `/gateways/${gateway.id}`, {
      ...body,
      field_mask: {
        paths: [
          "frequency_plan_ids",
          "gateway_server_address",
          ...(secret ? ["lbs_lns_secret"] : []),
        ],
      },
    });
}

async function registerDevice(call: Call, target: RegistrationTarget, device: DevicePlan) {
  const { profile } = device;
  const app = target.applicationId;
  const ids = {
    device_id: profile.deviceId,
    application_ids: { application_id: app },
    dev_eui: profile.devEui.toUpperCase(),
    join_eui: profile.joinEui.toUpperCase(),
  };
  const idPaths = ["ids.dev_eui", "ids.join_eui"];
  const versions = registryVersions[profile.version];
  const created = await call(
    "POST",
    `/applications/${app}/devices`,
    { end_device: { ids, name: `Simulated device ${profile.deviceId}` } },
    [409],
  );
  void created;
  const activation = profile.activation;
  if (activation.mode === "otaa") {
    await call("PUT", `/js/applications/${app}/devices/${profile.deviceId}`, {
      end_device: {
        ids,
        root_keys: {
          app_key: { key: activation.appKey.toUpperCase() },
          ...(activation.nwkKey ? { nwk_key: { key: activation.nwkKey.toUpperCase() } } : {}),
        },
      },
      field_mask: {
        paths: [
          ...idPaths,
          "root_keys.app_key.key",
          ...(activation.nwkKey ? ["root_keys.nwk_key.key"] : []),
        ],
      },
    });
  }
  const nsSession =
    activation.mode === "abp"
      ? {
          session: {
            dev_addr: activation.devAddr.toUpperCase(),
            keys: {
              f_nwk_s_int_key: { key: activation.fNwkSIntKey.toUpperCase() },
              ...(activation.sNwkSIntKey
                ? {
                    s_nwk_s_int_key: { key: activation.sNwkSIntKey.toUpperCase() },
                    nwk_s_enc_key: { key: (activation.nwkSEncKey ?? "").toUpperCase() },
                  }
                : {}),
            },
          },
        }
      : {};
  await call("PUT", `/ns/applications/${app}/devices/${profile.deviceId}`, {
    end_device: {
      ids,
      frequency_plan_id: profile.frequencyPlanId,
      lorawan_version: versions.mac,
      lorawan_phy_version: versions.phy,
      supports_join: activation.mode === "otaa",
      supports_class_c: profile.deviceClass === "C",
      ...nsSession,
    },
    field_mask: {
      paths: [
        ...idPaths,
        "frequency_plan_id",
        "lorawan_version",
        "lorawan_phy_version",
        "supports_join",
        "supports_class_c",
        ...(activation.mode === "abp"
          ? [
              "session.dev_addr",
              "session.keys.f_nwk_s_int_key.key",
              ...(activation.sNwkSIntKey
                ? ["session.keys.s_nwk_s_int_key.key", "session.keys.nwk_s_enc_key.key"]
                : []),
            ]
          : []),
      ],
    },
  });
  await call("PUT", `/as/applications/${app}/devices/${profile.deviceId}`, {
    end_device: {
      ids,
      ...(activation.mode === "abp"
        ? {
            session: {
              dev_addr: activation.devAddr.toUpperCase(),
              keys: { app_s_key: { key: activation.appSKey.toUpperCase() } },
            },
          }
        : {}),
    },
    field_mask: {
      paths: [
        ...idPaths,
        ...(activation.mode === "abp" ? ["session.dev_addr", "session.keys.app_s_key.key"] : []),
      ],
    },
  });
}

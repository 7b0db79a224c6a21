/**
 * The roles a peer can have, as data: the component's short name, the configuration key of its
 * address (`cluster.<key>`) and the DNS SRV service of its gRPC endpoint (The Things Stack's
 * `_ttn-v3-<role>-grpc._tcp.<domain>`).
 */
export const peerRoles = {
  is: { title: "Identity Server", addressKey: "identity_server_address" },
  gs: { title: "Gateway Server", addressKey: "gateway_server_address" },
  ns: { title: "Network Server", addressKey: "network_server_address" },
  as: { title: "Application Server", addressKey: "application_server_address" },
  js: { title: "Join Server", addressKey: "join_server_address" },
  dcs: { title: "Device Claiming Server", addressKey: "device_claiming_server_address" },
  gcs: {
    title: "Gateway Configuration Server",
    addressKey: "gateway_configuration_server_address",
  },
  qrg: { title: "QR Code Generator", addressKey: "qr_code_generator_address" },
  dtc: { title: "Device Template Converter", addressKey: "device_template_converter_address" },
} as const;

/** A peer role: the short name of the component that serves it. */
export type PeerRole = keyof typeof peerRoles;

/** The DNS SRV service name of a role's gRPC endpoint, e.g. `ttn-v3-ns-grpc`. */
export function srvService(role: PeerRole): string {
  return `ttn-v3-${role}-grpc`;
}

export function isPeerRole(name: string): name is PeerRole {
  return Object.hasOwn(peerRoles, name);
}

/**
 * The peers a component cannot work without (`required`: missing makes the process not ready)
 * and those it uses when they are there (`optional`: checked only when configured; the Network
 * Server can reach Join Servers over Backend Interfaces, the Application Server gets session
 * keys from the Network Server without one; the Identity Server answers their rights checks
 * and takes the Network Server's last-seen times, with API keys cached between).
 */
export const peerNeeds: Readonly<
  Record<string, { required: readonly PeerRole[]; optional?: readonly PeerRole[] }>
> = {
  gs: { required: ["is", "ns"] },
  ns: { required: ["gs", "as"], optional: ["js", "is"] },
  as: { required: ["ns"], optional: ["js", "is"] },
  gcs: { required: ["is"] },
};

/** The peers the given components need, each once, with whether one of them requires it. */
export function neededPeers(components: Iterable<string>): Map<PeerRole, { required: boolean }> {
  const needed = new Map<PeerRole, { required: boolean }>();
  for (const component of components) {
    const needs = Object.hasOwn(peerNeeds, component) ? peerNeeds[component] : undefined;
    if (!needs) continue;
    for (const role of needs.required) needed.set(role, { required: true });
    for (const role of needs.optional ?? [])
      if (!needed.has(role)) needed.set(role, { required: false });
  }
  return needed;
}

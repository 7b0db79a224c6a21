/**
 * A UDP load balancer stand-in for Semtech UDP gateways in front of a cluster: one listening
 * socket; each gateway is sticky to one live backend (a new gateway goes to the next live one,
 * round robin) and moves to another live backend when its own fails its health check, as a
 * real balancer (nginx stream, HAProxy, a cloud one) does. Real balancers keep a gateway sticky
 * by its source address; here every gateway sends from 127.0.0.1, so the stand-in keys on the
 * gateway EUI of the Semtech header instead, which is the same thing for one gateway.
 */
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";

export interface UdpBalancerOptions {
  /** `host:port` of each backend's Semtech UDP listener. */
  backends: readonly string[];
  /** Whether backend `index` passes its health check now. */
  healthy(index: number): boolean;
}

export interface UdpBalancer {
  /** `127.0.0.1:<port>` the gateways send to. */
  address: string;
  /** The backend each gateway (EUI, hex) is on now. */
  assignments(): Map<string, number>;
  /** How many times a gateway was moved off a failed backend. */
  moves: number;
  close(): Promise<void>;
}

interface Client {
  /** The gateway's own address, where answers go. */
  remote: RemoteInfo;
  backend: number;
  /** The socket that talks to the backend for this gateway (its source port stays). */
  upstream: Socket;
}

export async function startUdpBalancer(options: UdpBalancerOptions): Promise<UdpBalancer> {
  const backends = options.backends.map((address) => {
    const colon = address.lastIndexOf(":");
    return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
  });
  const front = createSocket("udp4");
  const clients = new Map<string, Client>();
  let next = 0;
  let moves = 0;

  const pick = (): number | undefined => {
    for (let step = 0; step < backends.length; step++) {
      const index = (next + step) % backends.length;
      if (options.healthy(index)) {
        next = index + 1;
        return index;
      }
    }
    return undefined;
  };

  front.on("message", (packet, remote) => {
    // Semtech UDP: version, token (2), type, then the gateway EUI for gateway → server types.
    if (packet.length < 12) return;
    const key = packet.subarray(4, 12).toString("hex");
    let client = clients.get(key);
    if (client && !options.healthy(client.backend)) {
      const backend = pick();
      if (backend === undefined) return;
      client.backend = backend;
      moves++;
    }
    if (!client) {
      const backend = pick();
      if (backend === undefined) return;
      const upstream = createSocket("udp4");
      const created: Client = { remote, backend, upstream };
      upstream.on("message", (answer) => {
        front.send(answer, created.remote.port, created.remote.address);
      });
      upstream.on("error", () => {});
      clients.set(key, created);
      client = created;
    }
    client.remote = remote;
    const target = backends[client.backend];
    if (target) client.upstream.send(packet, target.port, target.host);
  });
  front.on("error", () => {});
  await new Promise<void>((resolve) => front.bind(0, "127.0.0.1", resolve));
  const { port } = front.address();
  return {
    address: `127.0.0.1:${port}`,
    assignments: () => new Map([...clients].map(([key, client]) => [key, client.backend])),
    get moves() {
      return moves;
    },
    async close() {
      for (const client of clients.values()) client.upstream.close();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
}

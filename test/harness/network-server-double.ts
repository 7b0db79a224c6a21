/**
 * A Network Server played by a test, for the Gateway Server's end-to-end tests: a gRPC server
 * implementing `GsNs` (the Gateway Server reaches it through `cluster.network_server_address`
 * with the cluster key) that records uplinks and TX acknowledgments, and a client of the
 * Gateway Server's `NsGs` with the cluster key.
 *
 *     const ns = await startNetworkServerDouble();
 *     // start lorastack with LORASTACK_CLUSTER_NETWORK_SERVER_ADDRESS: ns.address
 *     const uplink = await ns.nextUplink((u) => u.rxMetadata[0]?.timestamp === tmst);
 *     await nsGsClient(grpcAddress, clusterKey).scheduleDownlink(request);
 */
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { type Client, createClient } from "@connectrpc/connect";
import { connectNodeAdapter, createGrpcTransport } from "@connectrpc/connect-node";
import { NsGs } from "../../src/gen/ttn/lorawan/v3/gatewayserver_pb.js";
import type {
  GatewayTxAcknowledgment,
  UplinkMessage,
} from "../../src/gen/ttn/lorawan/v3/messages_pb.js";
import { GsNs } from "../../src/gen/ttn/lorawan/v3/networkserver_pb.js";

/** Records of one kind, and a way to await the next that matches. */
class Recorded<T> {
  readonly items: T[] = [];
  readonly #waiters = new Set<() => void>();

  push(item: T): void {
    this.items.push(item);
    for (const waiter of this.#waiters) waiter();
  }

  /** The first item at index ≥ `since` that `match` accepts, already recorded or to come. */
  async next(
    match: (item: T) => boolean,
    timeoutMs: number,
    since: number,
    what: string,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.items.slice(since).find(match);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        const waiters = this.#waiters;
        waiters.add(done);
      });
    }
  }
}

export interface NetworkServerDouble {
  /** `host:port` for `cluster.network_server_address`. */
  readonly address: string;
  readonly uplinks: Recorded<UplinkMessage>;
  readonly acknowledgments: Recorded<GatewayTxAcknowledgment>;
  /** The cluster key each call came with (the last one). */
  lastClusterKey: string | null;
  /** The next uplink that `match` accepts (default within 10 s), from index `since`. */
  nextUplink(
    match?: (uplink: UplinkMessage) => boolean,
    options?: { timeoutMs?: number; since?: number },
  ): Promise<UplinkMessage>;
  nextAcknowledgment(
    match?: (ack: GatewayTxAcknowledgment) => boolean,
    options?: { timeoutMs?: number; since?: number },
  ): Promise<GatewayTxAcknowledgment>;
  close(): Promise<void>;
}

/** Starts the Network Server double on 127.0.0.1 and an ephemeral port. */
export async function startNetworkServerDouble(): Promise<NetworkServerDouble> {
  const uplinks = new Recorded<UplinkMessage>();
  const acknowledgments = new Recorded<GatewayTxAcknowledgment>();
  const double = {
    lastClusterKey: null as string | null,
  };
  const server = http2.createServer(
    connectNodeAdapter({
      routes(router) {
        router.service(GsNs, {
          async handleUplink(uplink, context) {
            double.lastClusterKey = context.requestHeader.get("lorastack-cluster-key");
            uplinks.push(uplink);
            return {};
          },
          async reportTxAcknowledgment(ack, context) {
            double.lastClusterKey = context.requestHeader.get("lorastack-cluster-key");
            acknowledgments.push(ack);
            return {};
          },
        });
      },
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(double, {
    address: `127.0.0.1:${port}`,
    uplinks,
    acknowledgments,
    nextUplink: (
      match: (uplink: UplinkMessage) => boolean = () => true,
      options: { timeoutMs?: number; since?: number } = {},
    ) => uplinks.next(match, options.timeoutMs ?? 10_000, options.since ?? 0, "uplink"),
    nextAcknowledgment: (
      match: (ack: GatewayTxAcknowledgment) => boolean = () => true,
      options: { timeoutMs?: number; since?: number } = {},
    ) =>
      acknowledgments.next(
        match,
        options.timeoutMs ?? 10_000,
        options.since ?? 0,
        "TX acknowledgment",
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Connections the Gateway Server keeps open would hold close() up.
        setTimeout(resolve, 1000).unref();
      }),
  });
}

/** A client of the Gateway Server's `NsGs` at `grpcAddress` (`host:port`), with the cluster key. */
export function nsGsClient(grpcAddress: string, clusterKey?: string): Client<typeof NsGs> {
  return createClient(
    NsGs,
    createGrpcTransport({
      baseUrl: `http://${grpcAddress}`,
      interceptors: clusterKey
        ? [
            (next) => (request) => {
              request.header.set("lorastack-cluster-key", clusterKey);
              return next(request);
            },
          ]
        : [],
    }),
  );
}

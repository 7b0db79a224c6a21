import type { Claim, ClaimRenewal, Claims } from "../../cluster/claims.ts";
import { DefinedError } from "../../errors/index.ts";
import type { Gateway, GatewayConnectionStats } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import {
  errConnectionReplaced,
  errGatewayEuiNotFound,
  errGatewayNotFound,
  errRegistryUnavailable,
  errStopping,
  errUnauthenticated,
} from "../errors.ts";
import { evtGatewayConnect, evtGatewayDisconnect } from "../events.ts";
import { LogLimiter } from "../log-limiter.ts";
import { Connection, type ConnectionEnvironment } from "./connection.ts";
import type { FrontendConnection } from "./frontend.ts";
import type { GatewayRegistry } from "./gateway-registry.ts";

/** How a frontend names the gateway that connects: by EUI (UDP, Basics Station) or by ID. */
export type GatewayKey = { eui: Uint8Array } | { gatewayId: string };

/** Why a connection was refused (a fixed table: counted by reason, no error object per knock). */
export const refusalReasons = {
  unknown_gateway: "the gateway is not registered",
  registry_unavailable: "the Identity Server could not be asked",
  unauthenticated: "the gateway requires an authenticated connection",
  stopping: "the Gateway Server is stopping",
} as const;
export type RefusalReason = keyof typeof refusalReasons;

/** A frontend's answer: a connection, or why not (with the error to tell the gateway). */
export type ConnectResult =
  | { ok: true; connection: Connection }
  | { ok: false; reason: RefusalReason; error: DefinedError };

/** Options of {@link Connections.connect}. */
export interface ConnectOptions {
  /**
   * Checks the gateway's credentials against its registration, which is then read with its
   * secrets (`lbs_lns_secret`): true makes the connection authenticated, false refuses it.
   */
  authenticate?: (gateway: Gateway) => boolean;
}

/** The claim of a gateway's connection in the cluster. */
export function gatewayClaimId(gatewayId: string): string {
  return `gateway:${gatewayId}`;
}

interface Held {
  connection: Connection;
  claim: Claim | undefined;
  renewal: NodeJS.Timeout;
  refetch: NodeJS.Timeout;
  /** The renewal in flight: one at a time, and the release waits for it. */
  renewing: Promise<void> | undefined;
}

/** Disconnected gateways whose last stats are kept, at most. */
const maxDisconnected = 10_000;

/**
 * The gateway connections of this instance: what protocol frontends call to connect a
 * gateway. A gateway is looked up in the Identity Server (cached, refusals too), its
 * connection claimed in the cluster while it lives (so downlinks and stats requests find this
 * instance), and a second connection of the same gateway replaces the first.
 */
export class Connections {
  readonly #registry: GatewayRegistry;
  readonly #claims: Claims;
  readonly #env: ConnectionEnvironment;
  readonly #claimTtlMs: number;
  readonly #fetchIntervalMs: number;
  readonly #disconnectedTtlMs: number;
  readonly #unknownLog: LogLimiter;
  readonly #held = new Map<string, Held>();
  readonly #disconnected = new Map<string, { stats: GatewayConnectionStats; untilMs: number }>();
  #stopping = false;

  constructor(options: {
    registry: GatewayRegistry;
    claims: Claims;
    environment: ConnectionEnvironment;
    claimTtlMs: number;
    /** How often a connected gateway's registration is read again. */
    fetchIntervalMs: number;
    /** How long a disconnected gateway's stats are still answered. */
    disconnectedStatsTtlMs: number;
    unknownGatewayLogIntervalMs: number;
  }) {
    this.#registry = options.registry;
    this.#claims = options.claims;
    this.#env = options.environment;
    this.#claimTtlMs = options.claimTtlMs;
    this.#fetchIntervalMs = options.fetchIntervalMs;
    this.#disconnectedTtlMs = options.disconnectedStatsTtlMs;
    this.#unknownLog = new LogLimiter(options.unknownGatewayLogIntervalMs);
  }

  /**
   * Connects a gateway, or refuses: not registered (counted, logged at most once per EUI per
   * interval), registry unavailable, credentials refused or required. Never throws.
   */
  async connect(
    key: GatewayKey,
    frontend: FrontendConnection,
    options: ConnectOptions = {},
  ): Promise<ConnectResult> {
    const { metrics, logger } = this.#env;
    if (this.#stopping) return this.#refuse("stopping", errStopping.create());
    const secrets = options.authenticate !== undefined;
    let gateway: Gateway;
    try {
      gateway =
        "eui" in key
          ? await this.#registry.byEui(key.eui, { secrets })
          : await this.#registry.byId(key.gatewayId, { secrets });
    } catch (error) {
      if (errGatewayEuiNotFound.matches(error) || errGatewayNotFound.matches(error)) {
        const name =
          "eui" in key ? Buffer.from(key.eui).toString("hex").toUpperCase() : key.gatewayId;
        if (this.#unknownLog.allow(name, this.#env.now()))
          logger.info(
            { gateway: name, protocol: frontend.protocol },
            "unknown gateway refused (logged once per interval)",
          );
        return this.#refuse("unknown_gateway", error);
      }
      const unavailable =
        error instanceof DefinedError ? error : errRegistryUnavailable.create({}, error);
      logger.warn({ err: error }, "gateway lookup failed");
      return this.#refuse("registry_unavailable", unavailable);
    }
    const gatewayId = gateway.ids?.gatewayId ?? "";
    let authenticated = frontend.authenticated;
    if (options.authenticate) {
      authenticated = options.authenticate(gateway);
      // The secret is needed only for this check; it is not kept with the connection.
      gateway.lbsLnsSecret = undefined;
      if (!authenticated)
        return this.#refuse(
          "unauthenticated",
          errUnauthenticated.create({ gateway_uid: gatewayId }),
        );
    }
    if (gateway.requireAuthenticatedConnection && !authenticated)
      return this.#refuse("unauthenticated", errUnauthenticated.create({ gateway_uid: gatewayId }));

    this.#held
      .get(gatewayId)
      ?.connection.close(errConnectionReplaced.create({ gateway_uid: gatewayId }));
    const connection = new Connection(gateway, { ...frontend, authenticated }, this.#env);
    const claim = await this.#claim(gatewayId);
    const renewal = setInterval(() => this.#renewOnce(connection), this.#claimTtlMs / 3);
    renewal.unref();
    const refetch = setInterval(() => void this.refresh(connection), this.#fetchIntervalMs);
    refetch.unref();
    const held: Held = { connection, claim, renewal, refetch, renewing: undefined };
    this.#held.set(gatewayId, held);
    metrics.connected.inc({ protocol: connection.protocol });
    this.#env.events.publish(evtGatewayConnect, {
      identifiers: [{ kind: "gateway", id: gatewayId }],
      correlationIds: [connection.correlationId],
    });
    logger.info(
      {
        gateway_id: gatewayId,
        protocol: connection.protocol,
        remote_address: frontend.remoteAddress,
      },
      "gateway connected",
    );
    void connection.closed.then((reason) => this.#ended(held, reason));
    return { ok: true, connection };
  }

  /** The connection of a gateway on this instance. */
  get(gatewayId: string): Connection | undefined {
    return this.#held.get(gatewayId)?.connection;
  }

  /** Every connection of this instance. */
  all(): Connection[] {
    return [...this.#held.values()].map((held) => held.connection);
  }

  /** Stats of the gateway's live connection here, or of its last one while they are kept. */
  stats(gatewayId: string): GatewayConnectionStats | undefined {
    const live = this.#held.get(gatewayId);
    if (live) return live.connection.stats.toMessage(this.#env.now());
    const last = this.#disconnected.get(gatewayId);
    if (!last) return undefined;
    if (last.untilMs > this.#env.now()) return last.stats;
    this.#disconnected.delete(gatewayId);
    return undefined;
  }

  /** Closes every connection (the Gateway Server stops) and releases their claims. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const held = [...this.#held.values()];
    for (const { connection } of held) connection.close(errStopping.create());
    await Promise.all(held.map(({ connection }) => connection.closed));
    await Promise.all(held.map((entry) => entry.claim?.release().catch(() => {})));
  }

  #refuse(reason: RefusalReason, error: DefinedError): ConnectResult {
    this.#env.metrics.drops.inc({ reason: `connect_${reason}` });
    return { ok: false, reason, error };
  }

  async #claim(gatewayId: string): Promise<Claim | undefined> {
    try {
      return await this.#claims.claim(gatewayClaimId(gatewayId), this.#claimTtlMs, {
        takeOver: true,
      });
    } catch (error) {
      // Without the claim the gateway still works here; only routing from elsewhere suffers.
      this.#env.logger.warn({ err: error, gateway_id: gatewayId }, "could not claim the gateway");
      return undefined;
    }
  }

  /**
   * Reads a connection's registration again (every `gs.fetch_gateway_interval`): changes apply
   * to the live connection, a deleted gateway is disconnected (`gateway_not_found`).
   */
  async refresh(connection: Connection): Promise<void> {
    if (!connection.isOpen) return;
    const forgettable = this.#registry as GatewayRegistry & { forget?(id: string): void };
    forgettable.forget?.(connection.gatewayId);
    try {
      const fresh = await this.#registry.byId(connection.gatewayId);
      const { lbsLnsSecret: _secret, ...settings } = fresh;
      Object.assign(connection.gateway, settings);
    } catch (error) {
      if (errGatewayNotFound.matches(error))
        connection.close(errGatewayNotFound.create({ gateway: connection.gatewayId }));
      else
        this.#env.logger.warn(
          { err: error, gateway_id: connection.gatewayId },
          "could not read the gateway's registration again; the last one stays in use",
        );
    }
  }

  /** The number of gateway connections of this instance whose claim is held in the cluster. */
  claimed(): number {
    let count = 0;
    for (const held of this.#held.values()) if (held.claim) count++;
    return count;
  }

  /** Renews a connection's claim unless a renewal of it is still in flight (Redis is slow). */
  #renewOnce(connection: Connection): void {
    const held = this.#held.get(connection.gatewayId);
    if (!held || held.connection !== connection || held.renewing) return;
    held.renewing = this.#renew(held).finally(() => {
      held.renewing = undefined;
    });
  }

  /**
   * Only a claim that another instance holds now ends the connection (the gateway connected
   * there). A claim that vanished — Redis restarted without its data, or this process stalled
   * past the time to live — is claimed again by the renewal itself, and while the store cannot
   * be reached the connection stays and the next renewal tries again.
   */
  async #renew(held: Held): Promise<void> {
    const { connection } = held;
    if (!held.claim) {
      // The claim could not be made at connect (the store was unreachable). No take-over now:
      // if another instance claimed the gateway meanwhile, it connected there since.
      let claim: Claim | undefined;
      try {
        claim = await this.#claims.claim(gatewayClaimId(connection.gatewayId), this.#claimTtlMs);
      } catch {
        return;
      }
      if (claim) held.claim = claim;
      else if (connection.isOpen)
        connection.close(errConnectionReplaced.create({ gateway_uid: connection.gatewayId }));
      return;
    }
    let renewal: ClaimRenewal;
    try {
      renewal = await held.claim.renew();
    } catch (error) {
      this.#env.logger.debug(
        { err: error, gateway_id: connection.gatewayId },
        "could not renew the gateway's claim; the connection stays, the next renewal tries again",
      );
      return;
    }
    if (renewal === "restored")
      this.#env.logger.info(
        { gateway_id: connection.gatewayId },
        "the gateway's claim had vanished (expired or lost by the cluster store) and is held again",
      );
    if (renewal === "taken" && connection.isOpen)
      connection.close(errConnectionReplaced.create({ gateway_uid: connection.gatewayId }));
  }

  async #ended(held: Held, reason: DefinedError | undefined): Promise<void> {
    const { connection } = held;
    clearInterval(held.renewal);
    clearInterval(held.refetch);
    // A renewal still in flight could claim the id again after the release below.
    const renewing = held.renewing;
    if (this.#held.get(connection.gatewayId) === held) this.#held.delete(connection.gatewayId);
    this.#env.metrics.connected.dec({ protocol: connection.protocol });
    this.#disconnected.delete(connection.gatewayId);
    this.#disconnected.set(connection.gatewayId, {
      stats: connection.stats.toMessage(this.#env.now()),
      untilMs: this.#env.now() + this.#disconnectedTtlMs,
    });
    if (this.#disconnected.size > maxDisconnected) {
      const oldest = this.#disconnected.keys().next().value;
      if (oldest !== undefined) this.#disconnected.delete(oldest);
    }
    this.#env.events.publish(evtGatewayDisconnect, {
      identifiers: [{ kind: "gateway", id: connection.gatewayId }],
      data: reason
        ? {
            namespace: reason.definition.namespace,
            name: reason.definition.name,
            message: reason.message,
          }
        : { namespace: "", name: "", message: "" },
      correlationIds: [connection.correlationId],
    });
    this.#env.logger.info(
      { gateway_id: connection.gatewayId, reason: reason?.name },
      "gateway disconnected",
    );
    // A replaced connection's claim now belongs to its successor (taken over), so only an
    // ending without successor releases it.
    if (!errConnectionReplaced.matches(reason)) {
      await renewing;
      await held.claim?.release().catch(() => {});
    }
  }
}

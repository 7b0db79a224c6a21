/**
 * The simulated air (`Air`): devices and gateways at positions on a plane, every gateway that
 * can demodulate an uplink hears it with its own RSSI and SNR (path loss, noise floor, seeded
 * shadowing), and every downlink a gateway transmits is passed to the device listeners.
 * Receptions are handed to gateways in batches: one timer per tick, however many frames.
 */
import { errorNamespace } from "../errors/index.ts";
import { DEFAULT_LINK_MODEL, type LinkModel, linkQuality } from "./path-loss.ts";
import type { Air, AirDownlink, AirUplink, Clock, Reception, SimulatedGateway } from "./radio.ts";
import { type Random, seededRandom } from "./random.ts";

const errors = errorNamespace("simulator/medium");

export const errGatewayPlaced = errors.alreadyExists(
  "gateway_placed",
  "gateway `{gateway_id}` is already in the medium",
);

/** Metres east and north of an arbitrary origin. */
export interface Position {
  x: number;
  y: number;
}

export interface MediumOptions {
  clock: Clock;
  /** Seed of the shadowing draws: the same seed and sends give the same receptions. */
  seed?: number;
  /** How often held receptions are handed to gateways, ms. Default 10. */
  tickMs?: number;
  /** The link budget; missing fields take {@link DEFAULT_LINK_MODEL}'s. */
  model?: Partial<LinkModel>;
}

/** Counters of what went through the medium. */
export interface MediumStats {
  /** Uplinks devices sent. */
  uplinks: number;
  /** Receptions handed to gateways (an uplink heard by three gateways counts three). */
  receptions: number;
  /** Uplinks no gateway could demodulate. */
  unheard: number;
  /** Uplinks from a device that has no position (dropped). */
  unplaced: number;
  /** Downlinks gateways transmitted. */
  downlinks: number;
}

interface Placed {
  gateway: SimulatedGateway;
  position: Position;
}

interface Held {
  gateway: SimulatedGateway;
  reception: Reception;
}

/** The {@link Air} of one simulation run. */
export class Medium implements Air {
  readonly stats: MediumStats = {
    uplinks: 0,
    receptions: 0,
    unheard: 0,
    unplaced: 0,
    downlinks: 0,
  };
  readonly #clock: Clock;
  readonly #tickMs: number;
  readonly #model: LinkModel;
  readonly #random: Random;
  readonly #devices = new Map<string, Position>();
  readonly #gateways: Placed[] = [];
  readonly #listeners = new Set<(downlink: AirDownlink) => void>();
  #held: Held[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(options: MediumOptions) {
    this.#clock = options.clock;
    this.#tickMs = options.tickMs ?? 10;
    this.#model = { ...DEFAULT_LINK_MODEL, ...options.model };
    this.#random = seededRandom(options.seed ?? 1);
  }

  /** Puts (or moves) a device. */
  placeDevice(deviceId: string, position: Position): void {
    this.#devices.set(deviceId, { ...position });
  }

  /** Puts a gateway in the medium: it hears uplinks and its transmissions reach devices. */
  addGateway(gateway: SimulatedGateway, position: Position): void {
    if (this.#gateways.some((placed) => placed.gateway.id === gateway.id)) {
      throw errGatewayPlaced.create({ gateway_id: gateway.id });
    }
    this.#gateways.push({ gateway, position: { ...position } });
    gateway.onTransmit((downlink) => {
      this.stats.downlinks++;
      for (const listener of this.#listeners) listener(downlink);
    });
  }

  send(uplink: AirUplink, from: { deviceId: string }): void {
    this.stats.uplinks++;
    const position = this.#devices.get(from.deviceId);
    if (position === undefined) {
      this.stats.unplaced++;
      return;
    }
    let heard = false;
    for (const placed of this.#gateways) {
      const meters = Math.hypot(placed.position.x - position.x, placed.position.y - position.y);
      // Drawn for every gateway, heard or not, so one gateway's range does not shift the
      // draws of the others.
      const shadowing = this.#random.gaussian() * this.#model.shadowingDb;
      const quality = linkQuality(meters, uplink.frequencyHz, uplink.rate, shadowing, this.#model);
      if (quality === undefined) continue;
      heard = true;
      this.#held.push({ gateway: placed.gateway, reception: { ...uplink, ...quality } });
    }
    if (!heard) this.stats.unheard++;
    if (this.#held.length > 0 && this.#timer === undefined) {
      this.#timer = setTimeout(() => this.#tick(), this.#tickMs);
    }
  }

  onDownlink(listener: (downlink: AirDownlink) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Hands every held reception whose transmission has ended to its gateway, in the order
   * sent; receptions still on the air stay held. Called by the tick timer; tests on a fake
   * clock call it directly.
   */
  flush(): void {
    const now = this.#clock();
    const later: Held[] = [];
    const due = this.#held;
    this.#held = later;
    for (const held of due) {
      if (held.reception.endedAt > now) {
        later.push(held);
        continue;
      }
      this.stats.receptions++;
      held.gateway.receive(held.reception);
    }
  }

  /** Stops the tick timer; held receptions are dropped. */
  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#held = [];
  }

  #tick(): void {
    this.#timer = undefined;
    this.flush();
    if (this.#held.length > 0) this.#timer = setTimeout(() => this.#tick(), this.#tickMs);
  }
}

/**
 * The air between simulated devices and simulated gateways: what a device transmits, what a
 * gateway hears, what a gateway transmits back. Every time is on the simulation's clock
 * (`Clock`: milliseconds, monotonic), shared by devices and gateways of one run.
 */

/** Milliseconds on a monotonic clock (`performance.now()` in a real run, a fake one in tests). */
export type Clock = () => number;

/** A LoRa data rate on the air. */
export interface LoraRate {
  spreadingFactor: number;
  /** Hz, e.g. 125_000. */
  bandwidth: number;
  /** "4/5" unless said otherwise. */
  codingRate?: string;
}

/** A frame a device transmits. */
export interface AirUplink {
  phyPayload: Uint8Array;
  frequencyHz: number;
  rate: LoraRate;
  /** When the transmission ended (the gateway timestamps the end of reception), on the clock. */
  endedAt: number;
}

/** One gateway's reception of an uplink: the frame with that gateway's signal quality. */
export interface Reception extends AirUplink {
  rssi: number;
  snr: number;
}

/** A frame a gateway transmits, when its concentrator starts sending it. */
export interface AirDownlink {
  phyPayload: Uint8Array;
  frequencyHz: number;
  rate: LoraRate;
  /** When the transmission starts, on the clock. */
  startsAt: number;
  /** The gateway that sends it. */
  gatewayId: string;
}

/**
 * A simulated gateway (Semtech UDP packet forwarder or LoRa Basics Station) connected to a
 * stack: it forwards what it hears and transmits what the stack schedules, at the scheduled
 * concentrator time mapped onto the clock.
 */
export interface SimulatedGateway {
  readonly id: string;
  /** EUI-64, 16 hex digits. */
  readonly eui: string;
  /** Connects to the stack; resolves once it can forward uplinks. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Forwards a reception to the stack (batched sends are the gateway's business). */
  receive(reception: Reception): void;
  /** Calls `listener` for every downlink the gateway transmits, as it starts transmitting. */
  onTransmit(listener: (downlink: AirDownlink) => void): void;
}

/** What a simulated device listens for: a receive window (RX1, RX2 or class C continuous). */
export interface ReceiveWindow {
  /** The window opens (a preamble must start by then or a little after). */
  opensAt: number;
  /** Last start time accepted (the window's timeout). */
  closesAt: number;
  frequencyHz: number;
  rate: LoraRate;
}

/**
 * The medium: devices transmit into it, gateways in range hear it (each with its own RSSI and
 * SNR), and downlinks that gateways transmit come back out of it to every device (a device keeps
 * those that start inside one of its receive windows, on its frequency and data rate).
 */
export interface Air {
  /** A device transmits a frame. */
  send(uplink: AirUplink, from: { deviceId: string }): void;
  /** Every downlink any gateway transmits; returns how to stop listening. */
  onDownlink(listener: (downlink: AirDownlink) => void): () => void;
}

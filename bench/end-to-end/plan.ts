/**
 * How big a run is: the full benchmark, a medium run (a few minutes, to check the figures make
 * sense without taking the machine for long) and `--quick` (seconds, small numbers, not timed).
 */
export interface Plan {
  name: "full" | "medium" | "quick";
  /** OTAA devices: they join in the join steps (one join-request each). */
  otaaDevices: number;
  /**
   * ABP devices (LoRaWAN 1.0.3, class A, a session from the start): they carry the uplink and
   * confirmed steps, so that no device sends more than once per {@link MIN_UPLINK_INTERVAL_S}.
   */
  abpDevices: number;
  /** The gateway pool; each frame is heard by three of it. */
  gateways: number;
  /** Join-requests per second, rising; each step joins `joinStepSeconds` worth of devices. */
  joinRates: number[];
  joinStepSeconds: number;
  /** Unique unconfirmed uplinks per second, rising; stops after the first step not sustained. */
  uplinkRates: number[];
  uplinkStepSeconds: number;
  /** Confirmed uplinks per second, rising. */
  confirmedRates: number[];
  confirmedStepSeconds: number;
  /** Pass-through floor steps (uplinks per second). */
  floorRates: number[];
  /** How long deliveries may pause before the rest counts as lost, ms. */
  idleMs: number;
  /** Devices registered for the memory phase (`--memory-devices` overrides). */
  memoryDevices: number;
}

/** No device sends more often than this, s (class A devices and duty cycles allow no more). */
export const MIN_UPLINK_INTERVAL_S = 10;

/** The highest rate of a plan's uplink and confirmed steps. */
export const peakRate = (plan: Plan) => Math.max(...plan.uplinkRates, ...plan.confirmedRates);

export const PLANS: Record<Plan["name"], Plan> = {
  full: {
    name: "full",
    otaaDevices: 2000,
    abpDevices: 100_000,
    // An ACK or join-accept at SF7 takes about 45 ms of airtime and a gateway sends one at a
    // time: 2,000 ACKs/s need some 90 gateway-seconds per second, and only the three gateways
    // that heard an uplink can answer it. 200 gateways leave the stack, not airtime, the limit.
    gateways: 200,
    joinRates: [100, 250, 500, 1000],
    joinStepSeconds: 1,
    uplinkRates: [100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10_000],
    uplinkStepSeconds: 8,
    confirmedRates: [100, 250, 500, 1000, 2000],
    confirmedStepSeconds: 4,
    floorRates: [1000, 2000, 5000, 10_000, 15_000, 20_000],
    idleMs: 3000,
    // The target is 1,000,000 (`--memory-devices 1000000`): about 1,300 devices/s written in
    // process and a start that grows with the registry make that some 20 minutes on its own
    // on 2 cores; half of it keeps `npm run bench` near 25 minutes.
    memoryDevices: 500_000,
  },
  medium: {
    name: "medium",
    otaaDevices: 1000,
    abpDevices: 20_000,
    gateways: 200,
    joinRates: [100, 250, 500],
    joinStepSeconds: 1,
    uplinkRates: [100, 200, 300, 500, 750, 1000, 1500, 2000],
    uplinkStepSeconds: 5,
    confirmedRates: [100, 250, 500],
    confirmedStepSeconds: 3,
    floorRates: [1000, 5000],
    idleMs: 3000,
    memoryDevices: 50_000,
  },
  quick: {
    name: "quick",
    otaaDevices: 40,
    abpDevices: 1000,
    gateways: 12,
    joinRates: [20],
    joinStepSeconds: 1,
    uplinkRates: [50, 100],
    uplinkStepSeconds: 1,
    confirmedRates: [20],
    confirmedStepSeconds: 1,
    floorRates: [200],
    idleMs: 1000,
    memoryDevices: 2000,
  },
};

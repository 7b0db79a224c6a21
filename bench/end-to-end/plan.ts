/** How big a run is: the full benchmark, and `--quick` (seconds, small numbers, not timed). */
export interface Plan {
  name: "full" | "quick";
  /** Devices registered through the API and joined; they carry the traffic. */
  devices: number;
  gateways: number;
  /** Join-requests per second, rising; each step joins `joinStepSeconds` worth of devices. */
  joinRates: number[];
  joinStepSeconds: number;
  /** Unique unconfirmed uplinks per second, rising; stops after the first lossy step. */
  uplinkRates: number[];
  uplinkStepSeconds: number;
  /** Confirmed uplinks per second, rising. */
  confirmedRates: number[];
  confirmedStepSeconds: number;
  /** Pass-through floor steps (uplinks per second). */
  floorRates: number[];
  /** How long deliveries may pause before the rest counts as lost, ms. */
  idleMs: number;
}

export const PLANS: Record<Plan["name"], Plan> = {
  full: {
    name: "full",
    devices: 2000,
    gateways: 3,
    joinRates: [100, 250, 500, 1000],
    joinStepSeconds: 1,
    uplinkRates: [500, 1000, 2000, 3000, 5000, 7500, 10_000, 15_000],
    uplinkStepSeconds: 8,
    confirmedRates: [100, 250, 500, 1000, 2000],
    confirmedStepSeconds: 4,
    floorRates: [1000, 2000, 5000, 10_000, 15_000, 20_000],
    idleMs: 3000,
  },
  quick: {
    name: "quick",
    devices: 40,
    gateways: 3,
    joinRates: [20],
    joinStepSeconds: 1,
    uplinkRates: [50, 100],
    uplinkStepSeconds: 1,
    confirmedRates: [20],
    confirmedStepSeconds: 1,
    floorRates: [200],
    idleMs: 1000,
  },
};

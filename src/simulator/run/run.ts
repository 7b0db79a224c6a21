import { SimulatedDevice } from "../device/index.ts";
import { BasicStationGateway } from "../gateways/basic-station-gateway.ts";
import { UdpGateway } from "../gateways/udp-gateway.ts";
import { Medium } from "../medium.ts";
import type { Clock, SimulatedGateway } from "../radio.ts";
import { seededRandom } from "../random.ts";
import { planFleet } from "./fleet.ts";
import type { SimulationOptions } from "./options.ts";
import { registerFleet } from "./register.ts";
import { progressLine, type SimulationReport, summarize } from "./report.ts";
import { addressOf, spreadAddresses } from "./spread.ts";

/** What a run reports while it goes. */
export interface SimulationOutput {
  /** The live line (rewritten in place on a terminal). */
  progress(line: string): void;
  /** Messages about set-up (registration, connections). */
  info(message: string): void;
}

/**
 * Runs a simulation: plans the fleet, registers it when asked, connects the gateways, starts the
 * devices (spread over their first interval), reports progress every second and, after the
 * duration or when `signal` aborts, stops everything and resolves to what the devices saw.
 */
export async function runSimulation(
  options: SimulationOptions,
  output: SimulationOutput,
  signal?: AbortSignal,
): Promise<SimulationReport> {
  const clock: Clock = () => performance.now();
  const fleet = planFleet(options);
  // Several addresses: gateway i connects to address i mod n (a load balancer's spread).
  const udpAddresses = spreadAddresses("udp-address", options.udpAddress);
  const stationUrls = spreadAddresses("basic-station-url", options.basicStationUrl);
  let credentials = new Map<string, string>();
  if (options.register) {
    output.info(
      `registering ${fleet.gateways.length} gateways and ${fleet.devices.length} devices in ${options.register.applicationId}`,
    );
    credentials = await registerFleet(
      fleet,
      {
        apiUrl: options.apiUrl,
        apiKey: options.register.apiKey,
        applicationId: options.register.applicationId,
        gatewayOwner: options.register.gatewayOwner,
        frequencyPlanId: options.frequencyPlanId,
        gatewayServerAddress: options.server,
      },
      { onProgress: (done, total) => output.progress(`registered ${done}/${total} devices`) },
    );
  }

  const medium = new Medium({ clock, seed: options.seed });
  const gateways: SimulatedGateway[] = [];
  const random = seededRandom(options.seed ^ 0x5eed);
  try {
    for (const [index, plan] of fleet.gateways.entries()) {
      const authorization = credentials.get(plan.id);
      const [udpHost = "localhost", udpPort = "1700"] = splitHostPort(
        addressOf(udpAddresses, index),
      );
      const gateway =
        plan.protocol === "udp"
          ? new UdpGateway({
              id: plan.id,
              eui: plan.eui,
              host: udpHost,
              port: Number(udpPort),
              clock,
            })
          : new BasicStationGateway({
              id: plan.id,
              eui: plan.eui,
              url: addressOf(stationUrls, index),
              clock,
              ...(authorization ? { authorization } : {}),
            });
      await gateway.start();
      gateways.push(gateway);
      medium.addGateway(gateway, plan.position);
    }
    output.info(`${gateways.length} gateways connected`);

    const devices = fleet.devices.map((plan) => {
      medium.placeDevice(plan.profile.deviceId, plan.position);
      return new SimulatedDevice({
        profile: plan.profile,
        air: medium,
        clock,
        random: () => random.next(),
        startDelayMs: random.next() * Math.min(plan.profile.intervalMs, 10_000),
      });
    });
    const startedAt = clock();
    for (const device of devices) device.start();
    const current = () =>
      summarize(
        devices.map((device) => device.stats()),
        medium.stats,
        { durationS: (clock() - startedAt) / 1000, gateways: gateways.length },
      );
    await new Promise<void>((resolve) => {
      const ticker = setInterval(() => output.progress(progressLine(current())), 1000);
      const end = () => {
        clearInterval(ticker);
        clearTimeout(timer);
        resolve();
      };
      const timer = options.durationS > 0 ? setTimeout(end, options.durationS * 1000) : undefined;
      if (signal?.aborted) end();
      signal?.addEventListener("abort", end, { once: true });
    });
    for (const device of devices) device.stop();
    // The windows of the last uplinks close before the count is final.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    return current();
  } finally {
    medium.close();
    await Promise.all(gateways.map((gateway) => gateway.stop().catch(() => {})));
  }
}

function splitHostPort(address: string): [string, string] {
  const colon = address.lastIndexOf(":");
  return colon < 0 ? [address, "1700"] : [address.slice(0, colon), address.slice(colon + 1)];
}

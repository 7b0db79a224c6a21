import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Medium } from "./medium.ts";
import { DEFAULT_LINK_MODEL, linkQuality, noiseFloorDbm, pathLossDb } from "./path-loss.ts";
import type { AirDownlink, AirUplink, Reception, SimulatedGateway } from "./radio.ts";

const sf7 = { spreadingFactor: 7, bandwidth: 125_000 };
const sf12 = { spreadingFactor: 12, bandwidth: 125_000 };
const quiet = { ...DEFAULT_LINK_MODEL, shadowingDb: 0 };

class FakeGateway implements SimulatedGateway {
  readonly eui = "0000000000000000";
  readonly heard: Reception[] = [];
  #listeners: ((downlink: AirDownlink) => void)[] = [];
  readonly id: string;
  constructor(id: string) {
    this.id = id;
  }
  async start() {}
  async stop() {}
  receive(reception: Reception) {
    this.heard.push(reception);
  }
  onTransmit(listener: (downlink: AirDownlink) => void) {
    this.#listeners.push(listener);
  }
  transmit(downlink: AirDownlink) {
    for (const listener of this.#listeners) listener(downlink);
  }
}

function uplink(endedAt: number, rate = sf7): AirUplink {
  return { phyPayload: Uint8Array.of(0x40, 1, 2, 3), frequencyHz: 868_100_000, rate, endedAt };
}

describe("path loss", () => {
  it("is free space at 1 m and grows 10·n dB per decade", () => {
    assert.ok(Math.abs(pathLossDb(1, 868e6, 2.7) - 31.2) < 0.1);
    assert.ok(Math.abs(pathLossDb(1000, 868e6, 2.7) - pathLossDb(100, 868e6, 2.7) - 27) < 1e-9);
  });

  it("puts the noise floor of a 125 kHz channel near -117 dBm", () => {
    assert.ok(Math.abs(noiseFloorDbm(125_000, 6) + 117) < 0.1);
  });

  it("gives plausible RSSI and SNR from close by to the edge of range", () => {
    for (const meters of [1, 10, 100, 1000, 5000, 9000]) {
      const quality = linkQuality(meters, 868.1e6, sf7, 0, quiet);
      assert.ok(quality !== undefined, `heard at ${meters} m`);
      assert.ok(quality.rssi <= -30 && quality.rssi >= -120, `rssi ${quality.rssi} at ${meters} m`);
      assert.ok(quality.snr <= 10 && quality.snr >= -20, `snr ${quality.snr} at ${meters} m`);
    }
    const near = linkQuality(100, 868.1e6, sf7, 0, quiet);
    const far = linkQuality(5000, 868.1e6, sf7, 0, quiet);
    assert.ok(near !== undefined && far !== undefined && near.rssi > far.rssi);
  });

  it("drops what is below the spreading factor's demodulation floor", () => {
    // SF7 needs -7.5 dB, SF12 -20 dB: 15 km is beyond SF7 and within SF12.
    assert.equal(linkQuality(15_000, 868.1e6, sf7, 0, quiet), undefined);
    const slow = linkQuality(15_000, 868.1e6, sf12, 0, quiet);
    assert.ok(slow !== undefined && slow.snr < -7.5 && slow.snr >= -20);
    assert.equal(linkQuality(60_000, 868.1e6, sf12, 0, quiet), undefined);
    assert.equal(
      linkQuality(10, 868.1e6, { spreadingFactor: 13, bandwidth: 125_000 }, 0, quiet),
      undefined,
    );
  });
});

describe("Medium", () => {
  it("hands each reception to the gateways in range, in batches on flush", () => {
    let now = 0;
    const medium = new Medium({ clock: () => now, seed: 7 });
    const near = new FakeGateway("near");
    const far = new FakeGateway("far");
    medium.addGateway(near, { x: 0, y: 0 });
    medium.addGateway(far, { x: 40_000, y: 0 });
    medium.placeDevice("d1", { x: 300, y: 400 });
    medium.send(uplink(0), { deviceId: "d1" });
    medium.send(uplink(5), { deviceId: "d1" });
    medium.send(uplink(0), { deviceId: "nowhere" });
    assert.equal(near.heard.length, 0, "nothing before the tick");
    medium.flush();
    assert.equal(near.heard.length, 1, "the frame still on the air is held");
    now = 5;
    medium.flush();
    assert.equal(near.heard.length, 2);
    assert.equal(far.heard.length, 0);
    assert.deepEqual(medium.stats, {
      uplinks: 3,
      receptions: 2,
      unheard: 0,
      unplaced: 1,
      downlinks: 0,
    });
    medium.close();
  });

  it("is deterministic for a seed and varies with it", () => {
    const run = (seed: number) => {
      const medium = new Medium({ clock: () => 0, seed });
      const gateway = new FakeGateway("g");
      medium.addGateway(gateway, { x: 0, y: 0 });
      for (let i = 0; i < 20; i++) {
        medium.placeDevice(`d${i}`, { x: i * 250, y: 100 });
        medium.send(uplink(0), { deviceId: `d${i}` });
      }
      medium.flush();
      medium.close();
      return gateway.heard.map((reception) => [reception.rssi, reception.snr]);
    };
    assert.deepEqual(run(1), run(1));
    assert.notDeepEqual(run(1), run(2));
  });

  it("delivers on its own timer", async () => {
    const medium = new Medium({ clock: () => performance.now(), tickMs: 1 });
    const gateway = new FakeGateway("g");
    const heard = new Promise<void>((resolve) => {
      gateway.receive = (reception) => {
        gateway.heard.push(reception);
        resolve();
      };
    });
    medium.addGateway(gateway, { x: 0, y: 0 });
    medium.placeDevice("d", { x: 10, y: 0 });
    medium.send(uplink(performance.now()), { deviceId: "d" });
    await heard;
    assert.equal(gateway.heard.length, 1);
    medium.close();
  });

  it("passes gateways' downlinks to every listener until it stops listening", () => {
    const medium = new Medium({ clock: () => 0 });
    const gateway = new FakeGateway("g");
    medium.addGateway(gateway, { x: 0, y: 0 });
    assert.throws(() => medium.addGateway(gateway, { x: 1, y: 1 }), /already/);
    const seen: AirDownlink[] = [];
    const stop = medium.onDownlink((downlink) => seen.push(downlink));
    const downlink: AirDownlink = {
      phyPayload: Uint8Array.of(0x60),
      frequencyHz: 869_525_000,
      rate: sf12,
      startsAt: 1000,
      gatewayId: "g",
    };
    gateway.transmit(downlink);
    stop();
    gateway.transmit(downlink);
    assert.deepEqual(seen, [downlink]);
    assert.equal(medium.stats.downlinks, 2);
  });
});

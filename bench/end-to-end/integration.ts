/**
 * The application's side: an MQTT.js client subscribed to `v3/+/devices/+/up` that counts the
 * uplinks delivered and when each arrived. It reads only the topic (the device) and the
 * `"f_cnt":` number of the message, not the whole JSON: the generator stays light.
 */
import mqtt, { type MqttClient } from "mqtt";
import { APPLICATION_ID } from "./fleet.ts";

/** A frame's key: device index and full counter in one number. */
export const frameKey = (device: number, fCnt: number): number => device * 0x1_0000_0000 + fCnt;

export class Integration {
  readonly #client: MqttClient;
  /** Called for every uplink delivered: the frame's key and when it arrived. */
  onUplink: (key: number, at: number) => void = () => {};
  delivered = 0;
  /** Messages whose device or counter could not be read. */
  unreadable = 0;

  private constructor(client: MqttClient) {
    this.#client = client;
    client.on("message", (topic, payload) => {
      const at = performance.now();
      this.delivered++;
      const device = deviceIndex(topic);
      const fCnt = readFCnt(payload);
      if (device === undefined || fCnt === undefined) this.unreadable++;
      else this.onUplink(frameKey(device, fCnt), at);
    });
  }

  static async connect(address: string, key: string): Promise<Integration> {
    const client = await mqtt.connectAsync(`mqtt://${address}`, {
      username: `${APPLICATION_ID}@ttn`,
      password: key,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    await client.subscribeAsync("v3/+/devices/+/up", { qos: 0 });
    return new Integration(client);
  }

  close(): Promise<void> {
    return this.#client.endAsync();
  }
}

/** `v3/<app>@<tenant>/devices/dev-<index>/up` → index. */
function deviceIndex(topic: string): number | undefined {
  const start = topic.indexOf("/devices/dev-");
  if (start < 0) return undefined;
  const index = Number.parseInt(topic.slice(start + 13), 10);
  return Number.isNaN(index) ? undefined : index;
}

const F_CNT = Buffer.from('"f_cnt":');

/** The uplink message's `f_cnt` (absent when 0, as proto3 JSON writes zero). */
function readFCnt(payload: Buffer): number | undefined {
  if (payload.indexOf('"uplink_message"') < 0) return undefined;
  const at = payload.indexOf(F_CNT);
  if (at < 0) return 0;
  let value = 0;
  for (let i = at + F_CNT.length; i < payload.length; i++) {
    const digit = (payload[i] as number) - 0x30;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return value;
}

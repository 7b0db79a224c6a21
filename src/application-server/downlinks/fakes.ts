/**
 * In-memory stand-ins of the traffic path's neighbours, for tests: the AS registries, payload
 * formatters that follow fixed rules, a recording Network Server queue (AsNs) that checks frame
 * counters as the real one, sinks and events that record.
 */
import { clone, create, type JsonObject, type MessageInitShape } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import { errorNamespace } from "../../errors/index.ts";
import type { EventDefinition } from "../../events/index.ts";
import type { ApplicationLink } from "../../gen/ttn/lorawan/v3/applicationserver_pb.js";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import {
  type ApplicationDownlink,
  ApplicationDownlinkSchema,
  ApplicationDownlinksSchema,
  type ApplicationUp,
  DownlinkQueueRequestSchema,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { PayloadFormatters } from "../formatters/payload-formatters.ts";
import type { AsDeviceRegistry, AsLinkRegistry, DeviceKey } from "../registry.ts";
import type { ApplicationUpSink } from "../traffic.ts";
import type { EventPublisher } from "./event-helpers.ts";
import type { NetworkServerQueue } from "./queue.ts";

const keyString = (key: DeviceKey) => `${key.applicationId}.${key.deviceId}`;

export class FakeDevices implements AsDeviceRegistry {
  readonly stored = new Map<string, EndDevice>();
  async get(key: DeviceKey) {
    const found = this.stored.get(keyString(key));
    return found ? clone(EndDeviceSchema, found) : undefined;
  }
  async update(key: DeviceKey, change: (current: EndDevice | undefined) => unknown) {
    const current = await this.get(key);
    const next = (await change(current)) as EndDevice | null;
    if (next === null) this.stored.delete(keyString(key));
    else this.stored.set(keyString(key), clone(EndDeviceSchema, next));
    return next ?? undefined;
  }
  async deleteMany() {
    return [];
  }
  async rewrap() {
    return 0;
  }
  put(device: EndDevice) {
    const ids = device.ids;
    this.stored.set(`${ids?.applicationIds?.applicationId}.${ids?.deviceId}`, device);
  }
}

export class FakeLinks implements AsLinkRegistry {
  readonly stored = new Map<string, ApplicationLink>();
  async get(applicationId: string) {
    return this.stored.get(applicationId);
  }
  async set(applicationId: string, link: ApplicationLink) {
    this.stored.set(applicationId, link);
    return link;
  }
  async delete(applicationId: string) {
    return this.stored.delete(applicationId);
  }
}

/**
 * Formatters by parameter: `bytes` decodes to `{bytes: [...]}` and encodes `{bytes: [...]}`,
 * `warn` adds a warning, `normalize` adds a normalized payload, `fail` returns errors.
 */
export const fakeFormatters: PayloadFormatters = {
  async decodeUplink(choice, input) {
    if (choice.parameter === "fail") return { warnings: [], errors: ["script threw"] };
    const data: JsonObject = { bytes: [...input.bytes], port: input.fPort };
    return {
      data,
      warnings: choice.parameter === "warn" ? ["careful"] : [],
      errors: [],
      ...(choice.parameter === "normalize"
        ? {
            normalized: {
              data: [{ air: { temperature: input.bytes[0] ?? 0 } }],
              warnings: [],
              errors: [],
            },
          }
        : {}),
    };
  },
  async encodeDownlink(choice, input) {
    if (choice.parameter === "fail") return { warnings: [], errors: ["cannot encode"] };
    const bytes = (input.data.bytes as number[] | undefined) ?? [];
    return { bytes: Uint8Array.from(bytes), fPort: input.fPort ?? 7, warnings: [], errors: [] };
  },
  async decodeDownlink(choice, input) {
    if (choice.parameter === "fail") return { warnings: [], errors: ["cannot decode"] };
    return { data: { bytes: [...input.bytes] }, warnings: [], errors: [] };
  },
  async close() {},
};

const nsErrors = errorNamespace("network-server/downlink-queue");
/** The Network Server's refusal, under its own name (so the queue's retry recognises it). */
export const errFakeFCntTooLow = nsErrors.invalidArgument(
  "f_cnt_too_low",
  "FCnt {f_cnt} is lower than minimum {min_f_cnt}",
);

/** A Network Server queue that records requests and refuses counters below `minFCnt`. */
export class FakeNetworkServer implements NetworkServerQueue {
  queue: ApplicationDownlink[] = [];
  readonly requests: { kind: "push" | "replace"; downlinks: ApplicationDownlink[] }[] = [];
  minFCnt = 0;
  fail: Error | undefined;
  async downlinkQueuePush(request: MessageInitShape<typeof DownlinkQueueRequestSchema>) {
    return this.#change("push", create(DownlinkQueueRequestSchema, request).downlinks);
  }
  async downlinkQueueReplace(request: MessageInitShape<typeof DownlinkQueueRequestSchema>) {
    return this.#change("replace", create(DownlinkQueueRequestSchema, request).downlinks);
  }
  async downlinkQueueList() {
    return create(ApplicationDownlinksSchema, { downlinks: this.queue });
  }
  #change(kind: "push" | "replace", downlinks: ApplicationDownlink[]) {
    if (this.fail) throw this.fail;
    for (const downlink of downlinks)
      if (downlink.fCnt < this.minFCnt)
        throw errFakeFCntTooLow.create({ f_cnt: downlink.fCnt, min_f_cnt: this.minFCnt });
    const copies = downlinks.map((downlink) => clone(ApplicationDownlinkSchema, downlink));
    this.requests.push({ kind, downlinks: copies });
    this.queue = kind === "replace" ? copies : [...this.queue, ...copies];
    return create(EmptySchema);
  }
}

export class RecordingSink implements ApplicationUpSink {
  readonly received: ApplicationUp[] = [];
  readonly name: string;
  fail: Error | undefined;
  constructor(name: string, fail?: Error) {
    this.name = name;
    this.fail = fail;
  }
  async handle(up: ApplicationUp) {
    if (this.fail) throw this.fail;
    this.received.push(up);
  }
}

export class RecordingEvents implements EventPublisher {
  readonly published: { name: string; data: unknown }[] = [];
  publish<Data>(definition: EventDefinition<Data>, input: { data?: Data }) {
    this.published.push({ name: definition.name, data: input.data });
    return undefined as never;
  }
  names() {
    return this.published.map((event) => event.name);
  }
}

export function newDevice(init: Parameters<typeof create<typeof EndDeviceSchema>>[1]): EndDevice {
  return create(EndDeviceSchema, init);
}

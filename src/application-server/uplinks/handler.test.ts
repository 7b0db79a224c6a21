/**
 * Scenarios of the uplink handler and the downlink queue: what the Network Server hands over
 * (encrypted as the end device and the NS send it), what the integrations get, what the
 * registry keeps and what goes back to the NS queue. Neighbours are in-memory fakes.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clone, create, equals, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ApplicationLinkSchema } from "../../gen/ttn/lorawan/v3/applicationserver_pb.js";
import { EndDeviceIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { AppSKeyResponseSchema } from "../../gen/ttn/lorawan/v3/joinserver_pb.js";
import { KeyEnvelopeSchema } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import {
  type ApplicationDownlink,
  ApplicationDownlinkSchema,
  type ApplicationUp,
  ApplicationUpSchema,
  MessagePayloadFormattersSchema,
  PayloadFormatter,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { ephemeralKeyVault } from "../../key-vault/static-key-vault.ts";
import { decryptFrmPayload, encryptFrmPayload } from "../../lorawan/crypto/index.ts";
import {
  FakeDevices,
  FakeLinks,
  FakeNetworkServer,
  fakeFormatters,
  newDevice,
  RecordingEvents,
  RecordingSink,
} from "../downlinks/fakes.ts";
import { createDownlinkQueue } from "../downlinks/queue.ts";
import type { ApplicationUpSink } from "../traffic.ts";
import { createAppSKeyResolver } from "./app-s-key.ts";
import { createUplinkHandler } from "./handler.ts";

const down = (init: MessageInitShape<typeof ApplicationDownlinkSchema>) =>
  create(ApplicationDownlinkSchema, init);
const formatters = (init: MessageInitShape<typeof MessagePayloadFormattersSchema>) =>
  create(MessagePayloadFormattersSchema, init);
const deviceIds = () => create(EndDeviceIdentifiersSchema, ids);
const storedDevice = (t: { devices: FakeDevices }) => {
  const device = t.devices.stored.get("app1.dev1");
  assert.ok(device);
  return device;
};
const hex = (text: string) => Uint8Array.from(Buffer.from(text, "hex"));
const devAddr = hex("26011234");
const keyOne = hex("000102030405060708090A0B0C0D0E0F");
const keyTwo = hex("F0E0D0C0B0A090807060504030201000");
const keyThree = hex("1111111111111111111111111111111A");
const sessionOne = hex("01");
const sessionTwo = hex("02");
const ids = {
  applicationIds: { applicationId: "app1" },
  deviceId: "dev1",
  devEui: hex("70B3D57ED0000001"),
  joinEui: hex("0000000000000000"),
  devAddr,
};

function setup(options: { sinks?: ApplicationUpSink[]; storedKey?: boolean } = {}) {
  const devices = new FakeDevices();
  const links = new FakeLinks();
  const ns = new FakeNetworkServer();
  const sink = new RecordingSink("recorder");
  const sinks = options.sinks ?? [sink];
  const events = new RecordingEvents();
  const vault = ephemeralKeyVault("as");
  const dropped: string[] = [];
  const jsRequests: Uint8Array[] = [];
  devices.put(
    newDevice({
      ids,
      versionIds: { brandId: "acme", modelId: "sensor" },
      locations: { user: { latitude: 52.1, longitude: 4.3, altitude: 2 } },
      session: {
        devAddr,
        keys: {
          sessionKeyId: sessionOne,
          ...(options.storedKey === false ? {} : { appSKey: { key: keyOne } }),
        },
      },
    }),
  );
  links.stored.set(
    "app1",
    create(ApplicationLinkSchema, {
      defaultFormatters: {
        upFormatter: PayloadFormatter.FORMATTER_JAVASCRIPT,
        upFormatterParameter: "bytes",
        downFormatter: PayloadFormatter.FORMATTER_JAVASCRIPT,
        downFormatterParameter: "bytes",
      },
    }),
  );
  const queue = createDownlinkQueue({
    devices,
    links,
    formatters: fakeFormatters,
    networkServer: () => ns,
    sinks,
    events,
  });
  const keys = createAppSKeyResolver({
    keyVault: vault,
    joinServer: () => ({
      async getAppSKey(request) {
        jsRequests.push(request.sessionKeyId ?? new Uint8Array());
        return create(AppSKeyResponseSchema, { appSKey: await vault.wrapKey(keyThree) });
      },
    }),
  });
  const handler = createUplinkHandler({
    devices,
    links,
    formatters: fakeFormatters,
    keys,
    queue,
    sinks,
    events,
    dropped: { inc: ({ reason }) => dropped.push(reason) },
  });
  return { devices, links, ns, sink, events, vault, handler, queue, dropped, jsRequests };
}

function uplink(
  plain: number[],
  options: { key?: Uint8Array; sessionKeyId?: Uint8Array; fCnt?: number; envelope?: unknown } = {},
): ApplicationUp {
  const fCnt = options.fCnt ?? 42;
  return create(ApplicationUpSchema, {
    endDeviceIds: ids,
    correlationIds: ["ns:uplink:1"],
    receivedAt: timestampFromMs(1_700_000_000_000),
    up: {
      case: "uplinkMessage",
      value: {
        sessionKeyId: options.sessionKeyId ?? sessionOne,
        fPort: 1,
        fCnt,
        frmPayload: encryptFrmPayload(
          options.key ?? keyOne,
          "uplink",
          devAddr,
          fCnt,
          Uint8Array.from(plain),
        ),
        ...(options.envelope ? { appSKey: options.envelope as never } : {}),
      },
    },
  });
}

function uplinkOf(up: ApplicationUp | undefined) {
  assert.equal(up?.up.case, "uplinkMessage");
  return up.up.value;
}

/** What the end device reads from a downlink the NS got. */
function asDeviceReads(downlink: ApplicationDownlink, key: Uint8Array): number[] {
  return [...decryptFrmPayload(key, "downlink", devAddr, downlink.fCnt, downlink.frmPayload)];
}

describe("uplink handler", () => {
  const dataScenarios: {
    name: string;
    up: (vault: ReturnType<typeof ephemeralKeyVault>) => Promise<ApplicationUp>;
    storedKey?: boolean;
    formatter?: string;
    plain: number[];
    decoded: boolean;
    events: string[];
    fromJoinServer?: boolean;
  }[] = [
    {
      name: "decrypts with the stored session's AppSKey and decodes",
      up: async () => uplink([1, 2, 3]),
      plain: [1, 2, 3],
      decoded: true,
      events: ["as.up.data.receive", "as.up.data.forward"],
    },
    {
      name: "decrypts with the AppSKey the NS forwarded, wrapped for the AS",
      storedKey: false,
      up: async (vault) =>
        uplink([4, 5], {
          key: keyTwo,
          envelope: create(KeyEnvelopeSchema, await vault.wrapKey(keyTwo)),
        }),
      plain: [4, 5],
      decoded: true,
      events: ["as.up.data.receive", "as.up.data.forward"],
    },
    {
      name: "asks the Join Server when only the session key ID is known",
      storedKey: false,
      up: async () => uplink([6], { key: keyThree }),
      plain: [6],
      decoded: true,
      events: ["as.up.data.receive", "as.up.data.forward"],
      fromJoinServer: true,
    },
    {
      name: "a frame encrypted with another key decrypts to other bytes (LoRaWAN cannot tell)",
      up: async () => uplink([1, 2, 3], { key: keyTwo }),
      plain: [
        ...decryptFrmPayload(
          keyOne,
          "uplink",
          devAddr,
          42,
          encryptFrmPayload(keyTwo, "uplink", devAddr, 42, Uint8Array.from([1, 2, 3])),
        ),
      ],
      decoded: true,
      events: ["as.up.data.receive", "as.up.data.forward"],
    },
    {
      name: "a formatter that fails: the raw payload still goes out, with decode.fail",
      formatter: "fail",
      up: async () => uplink([7, 8]),
      plain: [7, 8],
      decoded: false,
      events: ["as.up.data.receive", "as.up.data.decode.fail", "as.up.data.forward"],
    },
    {
      name: "formatter warnings are kept and published",
      formatter: "warn",
      up: async () => uplink([9]),
      plain: [9],
      decoded: true,
      events: ["as.up.data.receive", "as.up.data.decode.warning", "as.up.data.forward"],
    },
  ];
  for (const scenario of dataScenarios)
    it(scenario.name, async () => {
      const t = setup({ storedKey: scenario.storedKey ?? true });
      if (scenario.formatter)
        storedDevice(t).formatters = formatters({
          upFormatter: PayloadFormatter.FORMATTER_JAVASCRIPT,
          upFormatterParameter: scenario.formatter,
          downFormatter: PayloadFormatter.FORMATTER_NONE,
          downFormatterParameter: "",
        });
      const input = await scenario.up(t.vault);
      const before = clone(ApplicationUpSchema, input);
      await t.handler.handle([input]);
      assert.equal(t.sink.received.length, 1);
      const got = uplinkOf(t.sink.received[0]);
      // The Network Server's message is left as it was (in process it is the same object).
      assert.ok(equals(ApplicationUpSchema, input, before), "the input is not changed");
      assert.deepEqual([...got.frmPayload], scenario.plain);
      assert.equal(got.appSKey, undefined, "the AppSKey never reaches integrations");
      assert.equal(got.decodedPayload !== undefined, scenario.decoded);
      if (scenario.decoded) assert.deepEqual(got.decodedPayload?.bytes, scenario.plain);
      assert.deepEqual(got.versionIds?.modelId, "sensor");
      assert.equal(got.locations.user?.latitude, 52.1);
      assert.deepEqual(t.events.names(), scenario.events);
      assert.equal(t.jsRequests.length, scenario.fromJoinServer ? 1 : 0);
      if (scenario.storedKey === false) {
        const stored = await t.devices.get({ applicationId: "app1", deviceId: "dev1" });
        assert.ok(
          stored?.session?.keys?.appSKey?.key.length === 16,
          "the key is stored for next time",
        );
      }
    });

  it("writes normalized_payload as a list", async () => {
    const t = setup();
    storedDevice(t).formatters = formatters({
      upFormatter: PayloadFormatter.FORMATTER_JAVASCRIPT,
      upFormatterParameter: "normalize",
    });
    await t.handler.handle([uplink([21])]);
    assert.deepEqual(uplinkOf(t.sink.received[0]).normalizedPayload, [
      { air: { temperature: 21 } },
    ]);
    // Each normalized item also goes out alone, as TTS's up/normalized, after the uplink.
    const normalized = t.sink.received[1];
    assert.equal(normalized?.up.case, "uplinkNormalized");
    assert.equal(t.sink.received.length, 2);
    if (normalized?.up.case === "uplinkNormalized") {
      assert.deepEqual(normalized.up.value.normalizedPayload, { air: { temperature: 21 } });
      assert.deepEqual(normalized.up.value.frmPayload, Uint8Array.of(21));
      assert.equal(normalized.up.value.fCnt, uplinkOf(t.sink.received[0]).fCnt);
    }
    assert.ok(t.events.names().includes("as.up.normalized.forward"));
  });

  it("join-accept, then an uplink of the new session decrypts with its key", async () => {
    const t = setup();
    const join = create(ApplicationUpSchema, {
      endDeviceIds: { ...ids, devAddr: hex("26019999") },
      up: {
        case: "joinAccept",
        value: { sessionKeyId: sessionTwo, appSKey: await t.vault.wrapKey(keyTwo) },
      },
    });
    await t.handler.handle([join]);
    const joined = t.sink.received[0];
    assert.equal(joined?.up.case, "joinAccept");
    assert.equal(joined.up.value.appSKey, undefined);
    const up = create(ApplicationUpSchema, {
      endDeviceIds: { ...ids, devAddr: hex("26019999") },
      up: {
        case: "uplinkMessage",
        value: {
          sessionKeyId: sessionTwo,
          fPort: 2,
          fCnt: 1,
          frmPayload: encryptFrmPayload(
            keyTwo,
            "uplink",
            hex("26019999"),
            1,
            Uint8Array.from([3, 1, 4]),
          ),
        },
      },
    });
    await t.handler.handle([up]);
    assert.deepEqual([...uplinkOf(t.sink.received[1]).frmPayload], [3, 1, 4]);
    assert.deepEqual(t.events.names(), [
      "as.up.join.receive",
      "as.up.join.forward",
      "as.up.data.receive",
      "as.up.data.forward",
    ]);
  });

  it("re-encrypts the downlinks a join invalidated with the new session and queues them", async () => {
    const t = setup();
    const invalidated = {
      sessionKeyId: sessionOne,
      fPort: 5,
      fCnt: 7,
      frmPayload: encryptFrmPayload(keyOne, "downlink", devAddr, 7, Uint8Array.from([9, 9])),
    };
    await t.handler.handle([
      create(ApplicationUpSchema, {
        endDeviceIds: ids,
        up: {
          case: "joinAccept",
          value: {
            sessionKeyId: sessionTwo,
            appSKey: await t.vault.wrapKey(keyTwo),
            invalidatedDownlinks: [invalidated],
          },
        },
      }),
    ]);
    const pushed = t.ns.queue[0];
    assert.ok(pushed);
    assert.deepEqual([...pushed.sessionKeyId], [...sessionTwo]);
    assert.deepEqual(asDeviceReads(pushed, keyTwo), [9, 9]);
    assert.deepEqual(
      t.sink.received.map((up) => up.up.case),
      ["downlinkQueued", "joinAccept"],
    );
  });

  it("queues an invalidated queue again past the NS's last counter, and does not pass it on", async () => {
    const t = setup();
    await t.handler.handle([
      create(ApplicationUpSchema, {
        endDeviceIds: ids,
        up: {
          case: "downlinkQueueInvalidated",
          value: {
            lastFCntDown: 20,
            sessionKeyId: sessionOne,
            downlinks: [
              {
                sessionKeyId: sessionOne,
                fPort: 3,
                fCnt: 4,
                frmPayload: encryptFrmPayload(keyOne, "downlink", devAddr, 4, Uint8Array.from([1])),
              },
            ],
          },
        },
      }),
    ]);
    const pushed = t.ns.queue[0];
    assert.equal(pushed?.fCnt, 21);
    assert.deepEqual(asDeviceReads(pushed, keyOne), [1]);
    assert.deepEqual(
      t.sink.received.map((up) => up.up.case),
      ["downlinkQueued"],
    );
  });

  it("decrypts and decodes a downlink ack", async () => {
    const t = setup();
    await t.handler.handle([
      create(ApplicationUpSchema, {
        endDeviceIds: ids,
        up: {
          case: "downlinkAck",
          value: {
            sessionKeyId: sessionOne,
            fPort: 3,
            fCnt: 11,
            frmPayload: encryptFrmPayload(keyOne, "downlink", devAddr, 11, Uint8Array.from([5, 6])),
          },
        },
      }),
    ]);
    const ack = t.sink.received[0];
    assert.equal(ack?.up.case, "downlinkAck");
    assert.deepEqual([...ack.up.value.frmPayload], [5, 6]);
    assert.deepEqual(ack.up.value.decodedPayload, { bytes: [5, 6] });
  });

  it("drops and counts a message of an unknown device; the call succeeds", async () => {
    const t = setup();
    const up = uplink([1]);
    up.endDeviceIds = create(ApplicationUpSchema, {
      endDeviceIds: { ...ids, deviceId: "nobody" },
    }).endDeviceIds;
    await t.handler.handle([up, uplink([2])]);
    assert.deepEqual(t.dropped, ["application-server/uplinks:device_not_found"]);
    assert.equal(t.sink.received.length, 1, "the next message still goes through");
    assert.deepEqual(t.events.names()[0], "as.up.data.drop");
  });

  it("resolves only after every sink took the message", async () => {
    let release: () => void = () => {};
    let entered: () => void = () => {};
    const inSink = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const slow: ApplicationUpSink = {
      name: "slow",
      handle: () =>
        new Promise<void>((resolve) => {
          release = resolve;
          entered();
        }),
    };
    const fast = new RecordingSink("fast");
    const t = setup({ sinks: [slow, fast] });
    let settled = false;
    const handling = t.handler.handle([uplink([1])]).then(() => {
      settled = true;
    });
    await inSink;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false);
    assert.equal(fast.received.length, 1, "every sink is called at once");
    release();
    await handling;
    assert.equal(settled, true);
  });

  it("hands a device's messages to the integrations in the order they came, when an earlier one is slower", async () => {
    const order: number[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ordered: ApplicationUpSink = {
      name: "ordered",
      handle: async (up) => {
        const fCnt = uplinkOf(up).fCnt;
        if (fCnt === 1) await held;
        order.push(fCnt);
      },
    };
    const t = setup({ sinks: [ordered] });
    const first = t.handler.handle([uplink([1], { fCnt: 1 })]);
    const second = t.handler.handle([uplink([2], { fCnt: 2 })]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(order, [], "the second waits for the first");
    release();
    await Promise.all([first, second]);
    assert.deepEqual(order, [1, 2]);
  });

  it("fails the call when a sink cannot take the message (the NS retries)", async () => {
    const broken = new RecordingSink("broken", new Error("storage down"));
    const t = setup({ sinks: [new RecordingSink("ok"), broken] });
    await assert.rejects(t.handler.handle([uplink([1])]), /storage down/);
  });

  it("marks simulated uplinks and decodes their plain payload", async () => {
    const t = setup();
    const up = create(ApplicationUpSchema, {
      endDeviceIds: ids,
      up: { case: "uplinkMessage", value: { fPort: 1, frmPayload: Uint8Array.from([8]) } },
    });
    await t.handler.simulate(up);
    const got = t.sink.received[0];
    assert.equal(got?.simulated, true);
    assert.deepEqual(uplinkOf(got).decodedPayload?.bytes, [8]);
  });
});

describe("downlink queue", () => {
  const key = { applicationId: "app1", deviceId: "dev1" };

  it("encodes decoded_payload, encrypts as the device decrypts, and announces it", async () => {
    const t = setup();
    await t.queue.push(deviceIds(), [
      down({ decodedPayload: { bytes: [1, 2, 3] }, fPort: 0, priority: 3 }),
    ]);
    const pushed = t.ns.queue[0];
    assert.ok(pushed);
    assert.equal(pushed.fPort, 7, "the encoder's port");
    assert.equal(pushed.fCnt, 1);
    assert.equal(pushed.decodedPayload, undefined, "the NS gets bytes only");
    assert.deepEqual(asDeviceReads(pushed, keyOne), [1, 2, 3]);
    assert.match(pushed.correlationIds.at(-1) ?? "", /^as:downlink:/);
    const queued = t.sink.received[0];
    assert.equal(queued?.up.case, "downlinkQueued");
    assert.deepEqual([...queued.up.value.frmPayload], [1, 2, 3]);
    assert.deepEqual(t.events.names(), ["as.down.data.receive", "as.down.data.forward"]);
  });

  it("gives every downlink its own counter, kept in the registry", async () => {
    const t = setup();
    const endDeviceIds = deviceIds();
    await t.queue.push(endDeviceIds, [
      down({ fPort: 1, frmPayload: Uint8Array.from([1]) }),
      down({ fPort: 1, frmPayload: Uint8Array.from([2]) }),
    ]);
    await t.queue.push(endDeviceIds, [down({ fPort: 1, frmPayload: Uint8Array.from([3]) })]);
    assert.deepEqual(
      t.ns.queue.map((downlink) => downlink.fCnt),
      [1, 2, 3],
    );
    assert.equal((await t.devices.get(key))?.session?.lastAFCntDown, 3);
    assert.deepEqual(
      t.ns.queue.map((downlink) => asDeviceReads(downlink, keyOne)),
      [[1], [2], [3]],
    );
  });

  it("lists the NS queue decrypted and decoded", async () => {
    const t = setup();
    const endDeviceIds = deviceIds();
    await t.queue.push(endDeviceIds, [down({ fPort: 4, frmPayload: Uint8Array.from([4, 2]) })]);
    const listed = await t.queue.list(endDeviceIds);
    assert.equal(listed.length, 1);
    assert.deepEqual([...(listed[0]?.frmPayload ?? [])], [4, 2]);
    assert.deepEqual(listed[0]?.decodedPayload, { bytes: [4, 2] });
  });

  it("encrypts again from the NS's minimum when it refuses a counter as too low", async () => {
    const t = setup();
    t.ns.minFCnt = 10;
    const endDeviceIds = deviceIds();
    await t.queue.push(endDeviceIds, [down({ fPort: 1, frmPayload: Uint8Array.from([6]) })]);
    assert.equal(t.ns.queue[0]?.fCnt, 10);
    assert.deepEqual(asDeviceReads(t.ns.queue[0] ?? down({}), keyOne), [6]);
  });

  it("refuses a payload the encoder cannot encode, and queues nothing", async () => {
    const t = setup();
    storedDevice(t).formatters = formatters({
      downFormatter: PayloadFormatter.FORMATTER_JAVASCRIPT,
      downFormatterParameter: "fail",
    });
    const endDeviceIds = deviceIds();
    await assert.rejects(
      t.queue.push(endDeviceIds, [down({ fPort: 1, decodedPayload: { x: 1 } })]),
      /cannot encode/,
    );
    assert.equal(t.ns.requests.length, 0);
    assert.deepEqual(t.events.names(), [
      "as.down.data.receive",
      "as.down.data.encode.fail",
      "as.down.data.drop",
    ]);
  });

  it("replaces the queue; none clears it", async () => {
    const t = setup();
    const endDeviceIds = deviceIds();
    await t.queue.push(endDeviceIds, [down({ fPort: 1, frmPayload: Uint8Array.from([1]) })]);
    await t.queue.replace(endDeviceIds, [down({ fPort: 2, frmPayload: Uint8Array.from([2]) })]);
    assert.deepEqual(
      t.ns.queue.map((downlink) => downlink.fPort),
      [2],
    );
    await t.queue.replace(endDeviceIds, []);
    assert.deepEqual(t.ns.queue, []);
  });
});

import fc from "fast-check";
import type {
  CfList,
  DownlinkDataFrame,
  JoinAcceptFrame,
  JoinAcceptPayload,
  JoinRequestFrame,
  PhyPayload,
  ProprietaryFrame,
  RejoinRequest1Frame,
  RejoinRequest02Frame,
  UplinkDataFrame,
} from "./frame.ts";

// fast-check arbitraries of valid frames, for property tests here and in other modules.

const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });
const uint16 = fc.integer({ min: 0, max: 0xffff });
const empty = new Uint8Array(0);

/** Records with the ordinary prototype: fast-check 4 makes null-prototype objects by default. */
function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true });
}

export const joinRequestArbitrary: fc.Arbitrary<JoinRequestFrame> = record({
  mType: fc.constant("joinRequest"),
  joinEui: bytes(8),
  devEui: bytes(8),
  devNonce: uint16,
  mic: bytes(4),
});

export const rejoinRequest02Arbitrary: fc.Arbitrary<RejoinRequest02Frame> = record({
  mType: fc.constant("rejoinRequest"),
  rejoinType: fc.constantFrom(0, 2),
  netId: bytes(3),
  devEui: bytes(8),
  rjCount0: uint16,
  mic: bytes(4),
});

export const rejoinRequest1Arbitrary: fc.Arbitrary<RejoinRequest1Frame> = record({
  mType: fc.constant("rejoinRequest"),
  rejoinType: fc.constant(1),
  joinEui: bytes(8),
  devEui: bytes(8),
  rjCount1: uint16,
  mic: bytes(4),
});

export const joinAcceptArbitrary: fc.Arbitrary<JoinAcceptFrame> = record({
  mType: fc.constant("joinAccept"),
  encrypted: fc.oneof(bytes(16), bytes(32)),
});

/** FOpts, FPort and FRMPayload as LoRaWAN allows them together. */
const portFields: fc.Arbitrary<{ fOpts: Uint8Array; fPort?: number; frmPayload: Uint8Array }> =
  fc.oneof(
    record({ fOpts: fc.uint8Array({ maxLength: 15 }), frmPayload: fc.constant(empty) }),
    record({
      fOpts: fc.uint8Array({ maxLength: 15 }),
      fPort: fc.integer({ min: 1, max: 255 }),
      frmPayload: fc.uint8Array({ maxLength: 242 }),
    }),
    record({
      fOpts: fc.constant(empty),
      fPort: fc.constant(0),
      frmPayload: fc.uint8Array({ maxLength: 242 }),
    }),
  );

export const uplinkDataArbitrary: fc.Arbitrary<UplinkDataFrame> = fc
  .tuple(
    record({
      mType: fc.constantFrom("unconfirmedDataUp", "confirmedDataUp"),
      devAddr: bytes(4),
      fCtrl: record({
        adr: fc.boolean(),
        adrAckReq: fc.boolean(),
        ack: fc.boolean(),
        classB: fc.boolean(),
      }),
      fCnt: uint16,
      mic: bytes(4),
    }),
    portFields,
  )
  .map(([header, port]) => ({ ...header, ...port }));

export const downlinkDataArbitrary: fc.Arbitrary<DownlinkDataFrame> = fc
  .tuple(
    record({
      mType: fc.constantFrom("unconfirmedDataDown", "confirmedDataDown"),
      devAddr: bytes(4),
      fCtrl: record({ adr: fc.boolean(), ack: fc.boolean(), fPending: fc.boolean() }),
      fCnt: uint16,
      mic: bytes(4),
    }),
    portFields,
  )
  .map(([header, port]) => ({ ...header, ...port }));

export const proprietaryArbitrary: fc.Arbitrary<ProprietaryFrame> = record({
  mType: fc.constant("proprietary"),
  payload: fc.uint8Array({ maxLength: 255 }),
});

/** Any valid PHYPayload. */
export const phyPayloadArbitrary: fc.Arbitrary<PhyPayload> = fc.oneof(
  joinRequestArbitrary,
  rejoinRequest02Arbitrary,
  rejoinRequest1Arbitrary,
  joinAcceptArbitrary,
  uplinkDataArbitrary,
  downlinkDataArbitrary,
  proprietaryArbitrary,
);

export const cfListArbitrary: fc.Arbitrary<CfList> = fc.oneof(
  record({
    type: fc.constant(0),
    frequencies: fc.array(
      fc.integer({ min: 0, max: 0xffffff }).map((units) => units * 100),
      { minLength: 5, maxLength: 5 },
    ),
  }),
  record({
    type: fc.constant(1),
    channelMasks: fc.array(uint16, { minLength: 6, maxLength: 6 }),
  }),
);

export const joinAcceptPayloadArbitrary: fc.Arbitrary<JoinAcceptPayload> = fc.record(
  {
    joinNonce: fc.integer({ min: 0, max: 0xffffff }),
    homeNetId: bytes(3),
    devAddr: bytes(4),
    dlSettings: record({
      optNeg: fc.boolean(),
      rx1DrOffset: fc.integer({ min: 0, max: 7 }),
      rx2DataRate: fc.integer({ min: 0, max: 15 }),
    }),
    rxDelay: fc.integer({ min: 0, max: 15 }),
    cfList: cfListArbitrary,
  },
  {
    requiredKeys: ["joinNonce", "homeNetId", "devAddr", "dlSettings", "rxDelay"],
    noNullPrototype: true,
  },
);

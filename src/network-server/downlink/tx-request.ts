import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  Class,
  type RxDelay,
  type TxRequest,
  TxRequestSchema,
  type TxSchedulePriority,
} from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { Band } from "../../lorawan/band/index.ts";
import { dataRateMessage } from "./data-rate.ts";
import { errNoDownlinkPath, errTooLate } from "./errors.ts";
import type { OrderedDownlinkPath } from "./paths.ts";
import type { ClassAWindows, ReceiveWindow } from "./windows.ts";

export interface ClassARequestInput {
  readonly band: Band;
  readonly windows: ClassAWindows;
  /** The windows to offer (see reachableWindows). */
  readonly use: { readonly rx1: boolean; readonly rx2: boolean };
  readonly paths: readonly OrderedDownlinkPath[];
  readonly priority: TxSchedulePriority;
  readonly frequencyPlanId: string;
}

/**
 * The `TxRequest` for NsGs.ScheduleDownlink of a class A downlink: the uplink's paths in order,
 * RX1 and/or RX2 parameters and the RX1 delay (RX2 follows one second later).
 */
export function classATxRequest(input: ClassARequestInput): TxRequest {
  const { band, windows, use } = input;
  if (input.paths.length === 0) throw errNoDownlinkPath.create();
  const rx1 = use.rx1 ? windows.rx1 : undefined;
  const rx2 = use.rx2 ? windows.rx2 : undefined;
  if (rx1 === undefined && rx2 === undefined) throw errTooLate.create();
  // The Gateway Server times RX2 from the RX1 delay, so the delay is set even for RX2 alone.
  const rx1Delay = (rx1 ?? windows.rx2).delaySeconds - (rx1 ? 0 : 1);
  return create(TxRequestSchema, {
    class: Class.A,
    downlinkPaths: input.paths.map((p) => p.path),
    rx1Delay: rx1Delay as RxDelay,
    ...windowFields(band, "rx1", rx1),
    ...windowFields(band, "rx2", rx2),
    priority: input.priority,
    frequencyPlanId: input.frequencyPlanId,
  });
}

export interface ClassCRequestInput {
  /** Class C (default), or class B with the ping slot as window and its time as absolute time. */
  readonly deviceClass?: Class | undefined;
  readonly band: Band;
  readonly window: ReceiveWindow;
  readonly paths: readonly OrderedDownlinkPath[];
  readonly priority: TxSchedulePriority;
  readonly frequencyPlanId: string;
  /** Send at this time (ms since the epoch; needs a GPS gateway); unset: as soon as possible. */
  readonly absoluteTimeMs?: number | undefined;
}

/**
 * The `TxRequest` of a class C downlink (RX2 parameters, now or at an absolute time) or of a
 * class B one (the ping slot's parameters in the RX2 fields, at the slot's time).
 */
export function classCTxRequest(input: ClassCRequestInput): TxRequest {
  if (input.paths.length === 0) throw errNoDownlinkPath.create();
  return create(TxRequestSchema, {
    class: input.deviceClass ?? Class.C,
    downlinkPaths: input.paths.map((p) => p.path),
    ...windowFields(input.band, "rx2", input.window),
    priority: input.priority,
    frequencyPlanId: input.frequencyPlanId,
    absoluteTime:
      input.absoluteTimeMs === undefined ? undefined : timestampFromMs(input.absoluteTimeMs),
  });
}

function windowFields(band: Band, name: "rx1" | "rx2", window: ReceiveWindow | undefined) {
  if (window === undefined) return {};
  const dataRate = dataRateMessage(band, window.dataRateIndex);
  return name === "rx1"
    ? { rx1DataRate: dataRate, rx1Frequency: BigInt(window.frequency) }
    : { rx2DataRate: dataRate, rx2Frequency: BigInt(window.frequency) };
}

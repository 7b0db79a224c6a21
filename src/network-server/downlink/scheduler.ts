/**
 * Everything the Network Server sends to gateways: the class A answer to an uplink (data
 * downlink or join-accept) in RX1/RX2, class C downlinks from a durable task per device (a
 * multicast group's once per gateway group it names), and the results of both (events,
 * ApplicationUps), through `NsGs.ScheduleDownlink`.
 */

import { create } from "@bufbuild/protobuf";
import { type Duration, durationMs, timestampMs } from "@bufbuild/protobuf/wkt";
import type { Client } from "@connectrpc/connect";
import { Registry } from "prom-client";
import { endDeviceRef } from "../../api/end-device-identifiers.ts";
import { errorDetailsMessage } from "../../api/error-details.ts";
import type { Task, TaskQueue } from "../../cluster/task-queue.ts";
import { DefinedError } from "../../errors/index.ts";
import type { EventBus, EventDefinition } from "../../events/index.ts";
import type { FrequencyPlans } from "../../frequency-plans/index.ts";
import type { EndDevice, MACParameters } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { ErrorDetails } from "../../gen/ttn/lorawan/v3/error_pb.js";
import type { NsGs, ScheduleDownlinkResponse } from "../../gen/ttn/lorawan/v3/gatewayserver_pb.js";
import { Class, MType, type TxRequest } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import {
  type ApplicationDownlink,
  type ApplicationUp,
  type DownlinkMessage,
  DownlinkMessageSchema,
  type GatewayTxAcknowledgment,
  TxAcknowledgment_Result,
  type UplinkMessage,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { Logger } from "../../log/logger.ts";
import type { Band } from "../../lorawan/band/index.ts";
import type { ApplicationUplinkForwarder } from "../application-uplinks/forwarder.ts";
import type { NsDeviceStore } from "../device-store/device-store.ts";
import type { DeviceKey } from "../registry/registry.ts";
import { deviceBand } from "../services/device-band.ts";
import { downlinkFailedUp, downlinkUp } from "./application-ups.ts";
import { classBWindow } from "./class-b-window.ts";
import { buildDataDownlink, type DataDownlinkResult } from "./data-downlink.ts";
import { dataRateIndexOf } from "./data-rate.ts";
import { commitSent, commitUnsent } from "./device-commit.ts";
import { errScheduleFailed, errTooLate, errTransmission } from "./errors.ts";
import * as events from "./events.ts";
import { gatewayGroups } from "./gateway-groups.ts";
import { type DownlinkMetrics, downlinkMetrics, metricWord, refusalLabel } from "./metrics.ts";
import { type OrderedDownlinkPath, orderDownlinkPaths, type ReceptionMetadata } from "./paths.ts";
import {
  type DownlinkPriorities,
  defaultDownlinkPriorities,
  downlinkPriority,
} from "./priority.ts";
import {
  downlinkCorrelationPrefix,
  reportable,
  SentDownlinks,
  type Transmissions,
} from "./sent-downlinks.ts";
import { classATxRequest, classCTxRequest } from "./tx-request.ts";
import {
  type ClassAWindows,
  classAWindows,
  classCWindow,
  type DeviceRxParameters,
  reachableWindows,
} from "./windows.ts";

export interface ClassAOpportunity {
  key: DeviceKey;
  /** The deduplicated uplink: all rx metadata, settings, received_at, decoded `payload`, device_channel_index. */
  uplink: UplinkMessage;
  /** The device as committed after the uplink (or the join-request, with the queued join-accept). */
  device: EndDevice;
  /** When the NS received the uplink (ms since the epoch): for the "can it still be made" check. */
  receivedAtMs: number;
  correlationIds: readonly string[];
}

export interface DownlinkScheduler {
  /** The class A answer to an uplink, if one is needed; resolves once scheduled, failed or not needed. */
  afterUplink(opportunity: ClassAOpportunity): Promise<void>;
  /** Something may be sent outside class A: a durable task for `at` (default now). */
  wake(key: DeviceKey, at?: Date): Promise<void>;
  /** GsNs.ReportTxAcknowledgment: the gateway sent it or not. */
  handleTxAcknowledgment(ack: GatewayTxAcknowledgment): Promise<void>;
  /** Consumes the task queue. */
  start(): void;
  stop(): Promise<void>;
}

export interface DownlinkSchedulerOptions {
  store: NsDeviceStore;
  gatewayServer: () => Client<typeof NsGs>;
  tasks: TaskQueue;
  forwarder: ApplicationUplinkForwarder;
  events: EventBus;
  frequencyPlans: FrequencyPlans;
  logger: Logger;
  now?: () => number;
  /** A window must open at least this long after scheduling starts (ms, default 200). */
  windowMarginMs?: number;
  /** Class C confirmed downlinks wait this long for their ACK unless the device says (default 5 min). */
  classCTimeoutMs?: number;
  /** Class B confirmed downlinks wait this long for their ACK unless the device says (default 10 min). */
  classBTimeoutMs?: number;
  /** A class B ping slot must open at least this long after scheduling starts (ms, default 1 s). */
  classBMarginMs?: number;
  /** Transmissions of a confirmed class C downlink unless it says (default 3). */
  maxConfirmedAttempts?: number;
  /** When every gateway is busy, a class C downlink is tried again after this (ms, default 1 s). */
  retryDelayMs?: number;
  /** Unanswered uplinks after which a MAC request is given up. */
  maxRequestAttempts?: number;
  priorities?: DownlinkPriorities;
  /** Consumer concurrency of the task queue (default 4). */
  concurrency?: number;
  /**
   * A downlink for an absolute time is handed to the Gateway Server this long before it (ms,
   * default 30 s): gateways take downlinks only so far ahead.
   */
  absoluteTimeLeadMs?: number;
  /** Where scheduling results and TX acknowledgments are counted (default: not exported). */
  metrics?: DownlinkMetrics;
}

/** The task queue of downlinks outside class A; one task per device. */
export const DOWNLINK_QUEUE = "ns.downlink";

// Why scheduling found nothing to do, or gave up; the task ends.
type Outcome = { readonly retryAtMs?: number | undefined };
type Scheduled =
  | { response: ScheduleDownlinkResponse }
  | { error: DefinedError; details: ErrorDetails };

export function createDownlinkScheduler(options: DownlinkSchedulerOptions): DownlinkScheduler {
  const now = options.now ?? Date.now;
  const margin = options.windowMarginMs ?? 200;
  const priorities = options.priorities ?? defaultDownlinkPriorities;
  const sent = new SentDownlinks();
  const log = options.logger;
  const metrics = options.metrics ?? downlinkMetrics(new Registry());
  let consumer: { stop(): Promise<void> } | undefined;
  let counter = 0;

  const deviceRef = (key: DeviceKey) => endDeviceRef(key);
  const publish = <D>(
    definition: EventDefinition<D>,
    key: DeviceKey,
    data: D,
    ids: readonly string[],
  ) =>
    options.events.publish(definition, {
      identifiers: [deviceRef(key)],
      data,
      correlationIds: ids,
    });

  async function forward(ups: readonly ApplicationUp[]): Promise<void> {
    if (ups.length === 0) return;
    try {
      await options.forwarder.forward(ups);
    } catch (error) {
      log.warn({ err: error }, "could not hand downlink results to the Application Server");
    }
  }

  function bandOf(device: EndDevice): Band {
    return deviceBand(options.frequencyPlans, device.frequencyPlanId, device.lorawanPhyVersion)
      .band;
  }

  function classBTimeout(device: EndDevice): number {
    const timeout: Duration | undefined = device.macSettings?.classBTimeout;
    return timeout ? durationMs(timeout) : (options.classBTimeoutMs ?? 600_000);
  }

  function classCTimeout(device: EndDevice): number {
    const timeout: Duration | undefined = device.macSettings?.classCTimeout;
    return timeout ? durationMs(timeout) : (options.classCTimeoutMs ?? 300_000);
  }

  /** Sends a DownlinkMessage; the response, or the error with the paths' errors. */
  async function schedule(
    key: DeviceKey,
    message: DownlinkMessage,
    kind: "data" | "join",
  ): Promise<Scheduled> {
    const [attempt, success, fail] =
      kind === "data"
        ? [
            events.evtScheduleDataDownlinkAttempt,
            events.evtScheduleDataDownlinkSuccess,
            events.evtScheduleDataDownlinkFail,
          ]
        : [
            events.evtScheduleJoinAcceptAttempt,
            events.evtScheduleJoinAcceptSuccess,
            events.evtScheduleJoinAcceptFail,
          ];
    publish(attempt, key, message, message.correlationIds);
    try {
      const response = await options.gatewayServer().scheduleDownlink(message);
      publish(success, key, response, message.correlationIds);
      metrics.scheduled.inc({ kind, result: "scheduled" });
      return { response };
    } catch (cause) {
      const error = cause instanceof DefinedError ? cause : errScheduleFailed.create({}, cause);
      metrics.scheduled.inc({ kind, result: refusalLabel(error) });
      const details = errorDetailsMessage(error, message.correlationIds[0] ?? "");
      publish(fail, key, details, message.correlationIds);
      log.debug({ err: error, device: key }, "downlink not scheduled");
      return { error, details };
    }
  }

  function downlinkMessage(
    device: EndDevice,
    raw: Uint8Array,
    request: TxRequest,
    correlationIds: readonly string[],
    extra: Partial<Pick<DownlinkMessage, "payload" | "sessionKeyId">> = {},
  ): { message: DownlinkMessage; correlationId: string } {
    const correlationId = `${downlinkCorrelationPrefix}${now().toString(36)}-${(++counter).toString(36)}`;
    const message = create(DownlinkMessageSchema, {
      rawPayload: raw,
      endDeviceIds: device.ids,
      settings: { case: "request", value: request },
      correlationIds: [...correlationIds, correlationId],
      ...extra,
    });
    return { message, correlationId };
  }

  /** Writes a data downlink's outcome and tells the Application Server what it must know. */
  async function finishData(
    key: DeviceKey,
    base: EndDevice,
    result: DataDownlinkResult,
    scheduled: boolean,
  ): Promise<void> {
    const downlink = result.downlink;
    const dropped = [...result.invalidated, ...(result.refused ?? [])];
    if (scheduled && downlink) {
      await options.store.commit(key, (current) =>
        current === undefined ? null : commitSent(current, base, result.device, downlink),
      );
    } else if (dropped.length > 0 || result.gaveUp !== undefined) {
      await options.store.commit(key, (current) =>
        current === undefined ? null : commitUnsent(current, dropped, result.gaveUp),
      );
    }
    if (scheduled) {
      for (const event of result.macEvents) publish(event.definition, key, event.data, []);
    }
    await forward(result.ups);
  }

  /**
   * Sends the built frame with each request (one per gateway group; one for a unicast device)
   * and commits it once any gateway took it; the outcome of each request.
   */
  async function sendData(
    key: DeviceKey,
    device: EndDevice,
    result: DataDownlinkResult,
    requests: readonly TxRequest[],
    correlationIds: readonly string[],
  ): Promise<Scheduled[] | undefined> {
    const downlink = result.downlink;
    if (!downlink) {
      await finishData(key, device, result, false);
      return undefined;
    }
    const outcomes: Scheduled[] = [];
    const taken: { correlationId: string; message: DownlinkMessage }[] = [];
    for (const request of requests) {
      const { message, correlationId } = downlinkMessage(
        device,
        downlink.phyPayload,
        request,
        correlationIds,
        { payload: downlink.message, sessionKeyId: downlink.sessionKeyId },
      );
      const outcome = await schedule(key, message, "data");
      outcomes.push(outcome);
      if ("response" in outcome) taken.push({ correlationId, message });
    }
    const transmissions: Transmissions | undefined =
      taken.length > 1 ? { pending: taken.length, reported: false } : undefined;
    for (const { correlationId, message } of taken) {
      sent.add(correlationId, {
        key,
        message,
        applicationDownlink: downlink.applicationDownlink,
        transmissions,
      });
    }
    await finishData(key, device, result, taken.length > 0);
    return outcomes;
  }

  async function afterUplink(opportunity: ClassAOpportunity): Promise<void> {
    const { device, key, uplink } = opportunity;
    if (device.macSettings?.scheduleDownlinks?.value === false) return;
    try {
      const band = bandOf(device);
      const joinAccept = device.pendingMacState?.queuedJoinAccept;
      if (joinAccept !== undefined && uplink.payload?.payload.case !== "macPayload") {
        await sendJoinAccept(opportunity, band);
        return;
      }
      await sendClassA(opportunity, band);
    } catch (error) {
      log.warn({ err: error, device: key }, "class A downlink failed");
    }
  }

  function classAUplink(opportunity: ClassAOpportunity, band: Band) {
    const { uplink } = opportunity;
    const dataRateIndex = dataRateIndexOf(band, uplink.settings?.dataRate);
    if (dataRateIndex === undefined) return undefined;
    return {
      frequency: Number(uplink.settings?.frequency ?? 0n),
      dataRateIndex,
      channelIndex: uplink.deviceChannelIndex,
      receivedAtMs: opportunity.receivedAtMs,
      timestamp: uplink.settings?.timestamp,
    };
  }

  /** Which windows can be made; publishes the failure when none can. */
  function usableWindows(
    key: DeviceKey,
    windows: ClassAWindows,
    ids: readonly string[],
    kind: "data" | "join",
  ) {
    const use = reachableWindows(windows, now(), margin);
    if (!use.rx1 && !use.rx2) {
      const error = errTooLate.create();
      publish(
        kind === "data" ? events.evtScheduleDataDownlinkFail : events.evtScheduleJoinAcceptFail,
        key,
        errorDetailsMessage(error, ids[0] ?? ""),
        ids,
      );
      return undefined;
    }
    return use;
  }

  async function sendClassA(opportunity: ClassAOpportunity, band: Band): Promise<void> {
    const { device, key, uplink } = opportunity;
    const macPayload =
      uplink.payload?.payload.case === "macPayload" ? uplink.payload.payload.value : undefined;
    const params = device.macState?.currentParameters;
    const up = classAUplink(opportunity, band);
    if (!macPayload || !params || !up) return;
    const rx = rxParameters(params);
    const windows = classAWindows(band, up, rx);
    const use = reachableWindows(windows, now(), margin);
    const rates = [
      ...(use.rx1 && windows.rx1 ? [windows.rx1.dataRateIndex] : []),
      ...(use.rx2 ? [windows.rx2.dataRateIndex] : []),
    ];
    const confirmed = uplink.payload?.mHdr?.mType === MType.CONFIRMED_UP;
    const result = buildDataDownlink({
      device,
      band,
      deviceClass: "A",
      dataRateIndexes: rates.length > 0 ? rates : [windows.rx2.dataRateIndex],
      dwellTime: rx.downlinkDwellTime,
      ackFCntUp: confirmed ? macPayload.fullFCnt : undefined,
      adrAckReq: macPayload.fHdr?.fCtrl?.adrAckReq,
      nowMs: now(),
      classCTimeoutMs: classCTimeout(device),
      maxConfirmedAttempts: options.maxConfirmedAttempts ?? 3,
      maxRequestAttempts: options.maxRequestAttempts,
    });
    if (!result.downlink) {
      await finishData(key, device, result, false);
      return;
    }
    const reachable = usableWindows(key, windows, opportunity.correlationIds, "data");
    if (!reachable) {
      await finishData(key, device, result, false);
      return;
    }
    const request = classATxRequest({
      band,
      windows,
      use: reachable,
      paths: orderDownlinkPaths(uplink.rxMetadata as readonly ReceptionMetadata[]),
      priority: downlinkPriority(
        {
          kind: "data",
          applicationPriority: result.downlink.applicationDownlink?.priority,
          macCommands: result.downlink.macCommands,
        },
        priorities,
      ),
      frequencyPlanId: device.frequencyPlanId,
    });
    await sendData(key, device, result, [request], opportunity.correlationIds);
  }

  async function sendJoinAccept(opportunity: ClassAOpportunity, band: Band): Promise<void> {
    const { device, key, uplink } = opportunity;
    const accept = device.pendingMacState?.queuedJoinAccept;
    const params = device.pendingMacState?.currentParameters ?? device.macState?.currentParameters;
    const classA = classAUplink(opportunity, band);
    if (!accept || !params || !classA) return;
    // The join-request's channel among the new MAC state's channels (the join recorded it):
    // RX1 answers on it, not on channel 0.
    const joinChannel = device.pendingMacState?.recentUplinks.at(-1)?.deviceChannelIndex;
    const up = { ...classA, channelIndex: joinChannel ?? classA.channelIndex };
    const rx = { ...rxParameters(params), rx1DataRateOffset: 0 };
    const windows = classAWindows(band, up, rx, "join-accept");
    const use = usableWindows(key, windows, opportunity.correlationIds, "join");
    if (!use) return;
    const request = classATxRequest({
      band,
      windows,
      use,
      paths: orderDownlinkPaths(uplink.rxMetadata as readonly ReceptionMetadata[]),
      priority: downlinkPriority({ kind: "join-accept" }, priorities),
      frequencyPlanId: device.frequencyPlanId,
    });
    const { message } = downlinkMessage(
      device,
      accept.payload,
      request,
      opportunity.correlationIds,
    );
    const outcome = await schedule(key, message, "join");
    if (!("response" in outcome)) return;
    await options.store.commit(key, (current) => {
      if (current === undefined) return null;
      const pending = current.pendingMacState;
      // Another join-request may have queued another join-accept meanwhile: leave that one.
      if (
        pending?.queuedJoinAccept === undefined ||
        !sameBytes(pending.queuedJoinAccept.payload, accept.payload)
      ) {
        return current;
      }
      pending.queuedJoinAccept = undefined;
      pending.pendingJoinRequest = accept.request;
      pending.rxWindowsAvailable = false;
      if (accept.keys !== undefined) {
        current.pendingSession = {
          ...(current.pendingSession ?? {}),
          $typeName: "ttn.lorawan.v3.Session",
          devAddr: accept.devAddr,
          keys: accept.keys,
          lastFCntUp: 0,
          lastNFCntDown: 0,
          lastAFCntDown: 0,
          lastConfFCntDown: 0,
          queuedApplicationDownlinks: [],
        };
      }
      return current;
    });
  }

  /** The class C (or generic) task of one device. */
  async function handleTask(task: Task): Promise<void> {
    const key = JSON.parse(new TextDecoder().decode(task.payload)) as DeviceKey;
    const outcome = await sendClassC(key);
    if (outcome.retryAtMs !== undefined) await wake(key, new Date(outcome.retryAtMs));
  }

  async function sendClassC(key: DeviceKey): Promise<Outcome> {
    const device = await options.store.get(key);
    const macState = device?.macState;
    if (!device || !macState || !device.session) return {};
    if (device.macSettings?.scheduleDownlinks?.value === false) return {};
    const classB = macState.deviceClass === Class.B;
    const classC =
      macState.deviceClass === Class.C ||
      (device.supportsClassC && (device.session.queuedApplicationDownlinks.length ?? 0) > 0);
    if ((!classB && !classC) || !macState.currentParameters) return {};
    const band = bandOf(device);
    const rx = rxParameters(macState.currentParameters);
    const nowMs = now();
    // Class B: the next ping slot the Gateway Server can still reach; class C: RX2, now.
    const pingSlot = classB
      ? classBWindow(device, band, nowMs + (options.classBMarginMs ?? 1000))
      : undefined;
    if (classB && pingSlot === undefined) {
      log.debug({ device: key }, "class B device without ping slot periodicity or channel");
      return {};
    }
    const result = buildDataDownlink({
      device,
      band,
      deviceClass: "C",
      dataRateIndexes: [pingSlot?.dataRateIndex ?? rx.rx2DataRateIndex],
      dwellTime: rx.downlinkDwellTime,
      nowMs,
      classCTimeoutMs: classB ? classBTimeout(device) : classCTimeout(device),
      maxConfirmedAttempts: options.maxConfirmedAttempts ?? 3,
      maxRequestAttempts: options.maxRequestAttempts,
    });
    const downlink = result.downlink;
    if (!downlink) {
      await finishData(key, device, result, false);
      return { retryAtMs: result.waitUntilMs };
    }
    const application = downlink.applicationDownlink;
    // The application's time wins over the ping slot (TTS: the application knows the slots too).
    const absoluteTimeMs = application?.classBC?.absoluteTime
      ? timestampMs(application.classBC.absoluteTime)
      : pingSlot?.atMs;
    const lead = options.absoluteTimeLeadMs ?? 30_000;
    if (absoluteTimeMs !== undefined && absoluteTimeMs - nowMs > lead) {
      // Too early for the gateway: the task comes back when the Gateway Server can take it.
      await finishData(key, device, result, false);
      return { retryAtMs: absoluteTimeMs - lead };
    }
    const groups = classCPathGroups(device, application);
    if (groups.length === 0) {
      log.debug({ device: key }, "no gateway to send the class C downlink through");
      await finishData(key, device, result, false);
      return {};
    }
    const priority = downlinkPriority(
      {
        kind: "data",
        applicationPriority: application?.priority,
        macCommands: downlink.macCommands,
      },
      priorities,
    );
    const window = pingSlot ?? classCWindow(band, rx, nowMs);
    const requests = groups.map((paths) =>
      classCTxRequest({
        deviceClass: classB ? Class.B : Class.C,
        band,
        window,
        paths,
        priority,
        frequencyPlanId: device.frequencyPlanId,
        absoluteTimeMs,
      }),
    );
    const outcomes = await sendData(
      key,
      device,
      result,
      requests,
      application?.correlationIds ?? [],
    );
    if (outcomes === undefined) return {};
    const success = outcomes.find((o) => "response" in o);
    if (success === undefined) {
      // A busy gateway (conflict, duty cycle) or one without clock sync yet: try again later.
      const failures = outcomes.filter((o) => "error" in o);
      if (failures.some((o) => retryable(o.error))) {
        return { retryAtMs: now() + (options.retryDelayMs ?? 1000) };
      }
      // A multicast downlink has only the gateways it names: when none of them can, it fails.
      if (device.multicast && application !== undefined) {
        await failDownlink(key, device, application, failures[0]?.details);
      }
      return {};
    }
    const delayMs = success.response.delay ? durationMs(success.response.delay) : 0;
    // After a confirmed downlink the next attempt is its retransmission after the timeout; else
    // what is left goes once this one is on air.
    if (downlink.confirmed) {
      const timeout = classB ? classBTimeout(device) : classCTimeout(device);
      return { retryAtMs: now() + delayMs + timeout };
    }
    const left = (result.device.session?.queuedApplicationDownlinks.length ?? 0) > 0;
    return left ? { retryAtMs: now() + delayMs } : {};
  }

  /** Takes a downlink that cannot be sent from the queue and tells the Application Server. */
  async function failDownlink(
    key: DeviceKey,
    device: EndDevice,
    application: ApplicationDownlink,
    details: ErrorDetails | undefined,
  ): Promise<void> {
    await options.store.commit(key, (current) =>
      current === undefined ? null : commitUnsent(current, [application], undefined),
    );
    const error =
      details ??
      errorDetailsMessage(errScheduleFailed.create(), application.correlationIds[0] ?? "");
    await forward([downlinkFailedUp(device, application, error, now())]);
  }

  async function wake(key: DeviceKey, at?: Date): Promise<void> {
    await options.tasks.add(DOWNLINK_QUEUE, {
      key: `${key.applicationId}.${key.deviceId}`,
      payload: new TextEncoder().encode(
        JSON.stringify({ applicationId: key.applicationId, deviceId: key.deviceId }),
      ),
      dueAt: at ?? new Date(now()),
      mode: "earliest",
    });
  }

  async function handleTxAcknowledgment(gatewayAck: GatewayTxAcknowledgment): Promise<void> {
    const ack = gatewayAck.txAck;
    if (!ack) return;
    metrics.transmissions.inc({
      result: metricWord(TxAcknowledgment_Result[ack.result] ?? "other"),
    });
    const ids = [...ack.correlationIds, ...(ack.downlinkMessage?.correlationIds ?? [])];
    const found = sent.take(ids);
    const message = found?.message ?? ack.downlinkMessage;
    const ids0 = message?.endDeviceIds;
    const key =
      found?.key ??
      (ids0?.applicationIds
        ? { applicationId: ids0.applicationIds.applicationId, deviceId: ids0.deviceId }
        : undefined);
    if (!message || !key) return;
    const success = ack.result === TxAcknowledgment_Result.SUCCESS;
    const error = success
      ? undefined
      : errTransmission.create({
          result: TxAcknowledgment_Result[ack.result] ?? String(ack.result),
        });
    if (error)
      publish(events.evtTransmissionFail, key, errorDetailsMessage(error, ids[0] ?? ""), ids);
    else publish(events.evtTransmissionSuccess, key, message, ids);
    if (found !== undefined && !reportable(found.transmissions, success)) return;
    const macPayload =
      message.payload?.payload.case === "macPayload" ? message.payload.payload.value : undefined;
    if (!macPayload || macPayload.fPort === 0) return;
    const device = { ids: message.endDeviceIds } as EndDevice;
    const applicationDownlink = found?.applicationDownlink;
    if (!applicationDownlink) return;
    const up = error
      ? downlinkFailedUp(
          device,
          applicationDownlink,
          errorDetailsMessage(error, ids[0] ?? ""),
          now(),
        )
      : downlinkUp(device, "downlinkSent", applicationDownlink, now());
    await forward([up]);
  }

  return {
    afterUplink,
    wake,
    handleTxAcknowledgment,
    start() {
      consumer ??= options.tasks.consume(DOWNLINK_QUEUE, handleTask, {
        concurrency: options.concurrency ?? 4,
      });
    },
    async stop() {
      const running = consumer;
      consumer = undefined;
      await running?.stop();
    },
  };
}

function rxParameters(params: MACParameters): DeviceRxParameters {
  return {
    rx1Delay: params.rx1Delay,
    rx1DataRateOffset: params.rx1DataRateOffset,
    rx2DataRateIndex: params.rx2DataRateIndex,
    rx2Frequency: Number(params.rx2Frequency),
    downlinkDwellTime: params.downlinkDwellTime?.value === true,
    channels: params.channels.map((c) => ({ downlinkFrequency: Number(c.downlinkFrequency) })),
  };
}

/**
 * The paths of a class C downlink, one list per transmission. A multicast group sends once per
 * gateway group it names; a unicast device once, through the gateways the downlink names (any of
 * them) or else those of its most recent uplink.
 */
function classCPathGroups(
  device: EndDevice,
  downlink: ApplicationDownlink | undefined,
): OrderedDownlinkPath[][] {
  const named = gatewayGroups(downlink);
  if (device.multicast) return named;
  if (named.length > 0) return [named.flat()];
  const recent = device.macState?.recentUplinks.at(-1);
  const paths = orderDownlinkPaths((recent?.rxMetadata ?? []) as readonly ReceptionMetadata[]);
  return paths.length > 0 ? [paths] : [];
}

// Errors of a busy or not yet synchronized gateway pass; the others will not.
function retryable(error: DefinedError): boolean {
  const paths = error.attributes.path_errors;
  const codes = Array.isArray(paths)
    ? paths.map((p) => (p as { code?: string }).code)
    : [error.code];
  return codes.some(
    (code) => code === "resource_exhausted" || code === "unavailable" || code === "aborted",
  );
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

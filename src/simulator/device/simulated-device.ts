/**
 * A simulated end device that behaves like a real one over the simulated air: it joins (or is
 * personalised), transmits uplinks on its channels at its interval, opens RX1 and RX2 (and, in
 * class C, listens on RX2 the rest of the time), reads the downlinks that start inside its
 * windows, answers MAC commands and retransmits unacknowledged confirmed uplinks.
 */

import { timeOnAirMicroseconds } from "../../lorawan/airtime.ts";
import type { RegionalParametersVersion } from "../../lorawan/band/index.ts";
import { getFrequencyPlan } from "../../lorawan/frequency-plans/index.ts";
import { encodeMacCommands, type UplinkMacCommand } from "../../lorawan/mac/index.ts";
import { formatHex, parseHexBytes } from "../../lorawan/types/index.ts";
import type { Air, AirDownlink, Clock, LoraRate, ReceiveWindow } from "../radio.ts";
import { errProfile } from "./errors.ts";
import { answerMacCommands, type MacContext } from "./mac-answers.ts";
import { counterPayload, type DeviceProfile, type GeneratedPayload } from "./profile.ts";
import {
  applyCfList,
  bootSettings,
  DEFAULT_REGIONAL_PARAMETERS,
  isLoraDataRate,
  loraRateOf,
  type RadioSettings,
  rx1Of,
  usableChannels,
} from "./radio-settings.ts";
import {
  type DeviceEvent,
  type DeviceEventListener,
  type DeviceStats,
  emptyStats,
  type WindowName,
} from "./stats.ts";
import { realTimers, type Timers } from "./timers.ts";
import { VirtualDevice } from "./virtual-device.ts";

export interface SimulatedDeviceOptions {
  profile: DeviceProfile;
  air: Air;
  clock: Clock;
  /** Default: the real timers. */
  timers?: Timers;
  /** Default: Math.random. */
  random?: () => number;
  /** Default: the usual one of the profile's LoRaWAN version (`DEFAULT_REGIONAL_PARAMETERS`). */
  regionalParameters?: RegionalParametersVersion;
  /** Delay before the first transmission; default a random share of the interval. */
  startDelayMs?: number;
  /** Join back-off: the first retry after about `initialMs`, doubling up to `maxMs`. */
  joinBackoff?: { initialMs: number; maxMs: number };
  /** Whether the device subscribes to the air itself (default true; else call `hear`). */
  listen?: boolean;
  /** Shortest time (ms) either side of a window's start that still catches a preamble (20). */
  windowToleranceMs?: number;
}

/** A receive window of the last transmission and what it is for. */
interface OpenWindow extends ReceiveWindow {
  name: "rx1" | "rx2";
}

/** The uplink in progress: the same frame counter over repetitions and retransmissions. */
interface Transaction {
  fCnt: number;
  confirmed: boolean;
  attempts: number;
  maxAttempts: number;
  fPort?: number;
  payload?: Uint8Array;
  fOpts: Uint8Array;
  commandNames: string[];
  ack: boolean;
  adrAckReq: boolean;
  acknowledged: boolean;
  /** A class A downlink was read after this transaction's last transmission. */
  downlinkRead: boolean;
  startedAt: number;
}

type State = "stopped" | "idle" | "transmitting" | "listening";

/** How long after RX2's last accepted start the device decides what the windows brought. */
const SETTLE_MS = 250;
const MAX_FOPTS = 15;

export class SimulatedDevice {
  readonly profile: DeviceProfile;
  /** The frame side (counters, session), for tests and the live view. */
  readonly frames: VirtualDevice;
  readonly #air: Air;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #random: () => number;
  readonly #settings: RadioSettings;
  readonly #stats: DeviceStats;
  readonly #listeners = new Set<DeviceEventListener>();
  readonly #options: SimulatedDeviceOptions;
  readonly #mac: MacContext;
  #state: State = "stopped";
  #timer: unknown;
  #timerDueAt = Number.POSITIVE_INFINITY;
  #unsubscribe: (() => void) | undefined;
  #joined = false;
  #joinAttempts = 0;
  #usedDevNonces = new Set<number>();
  #devNonce = 0;
  #windows: OpenWindow[] = [];
  /** The windows of the last transmission, kept to tell late downlinks from missed ones. */
  #lastWindows: OpenWindow[] = [];
  #transmission: { startedAt: number; endsAt: number } | undefined;
  #transaction: Transaction | undefined;
  #nextUplinkAt = 0;
  #answers: UplinkMacCommand[] = [];
  #sticky: UplinkMacCommand[] = [];
  #requests: UplinkMacCommand[] = [];
  #ackNext = false;
  #adrAckCount = 0;

  constructor(options: SimulatedDeviceOptions) {
    const profile = options.profile;
    this.profile = profile;
    this.#options = options;
    this.#air = options.air;
    this.#clock = options.clock;
    this.#timers = options.timers ?? realTimers;
    this.#random = options.random ?? Math.random;
    const version = options.regionalParameters ?? DEFAULT_REGIONAL_PARAMETERS[profile.version];
    const plan = getFrequencyPlan(profile.frequencyPlanId);
    const abp = profile.activation.mode === "abp";
    this.#settings = bootSettings(plan, version, profile.dataRate, abp);
    const invalid = (field: string, problem: string) =>
      errProfile.create({ device_id: profile.deviceId, field, problem });
    if (!isLoraDataRate(this.#settings.band, profile.dataRate))
      throw invalid("data rate", `${profile.dataRate} is not a LoRa data rate of the band`);
    if (usableChannels(this.#settings, profile.dataRate).length === 0)
      throw invalid("data rate", `${profile.dataRate} is allowed on none of the plan's channels`);
    if (!(profile.intervalMs > 0)) throw invalid("interval", "must be above 0 ms");
    if (!(profile.confirmedShare >= 0 && profile.confirmedShare <= 1))
      throw invalid("confirmed share", "must be from 0 to 1");
    const lorawan11 = profile.version === "1.1";
    const eui = (text: string, kind: string) => parseHexBytes(text, 8, kind, "70B3D57ED0000001");
    const key = (text: string | undefined, kind: string) =>
      parseHexBytes(text ?? "", 16, kind, "00112233445566778899AABBCCDDEEFF");
    const activation = profile.activation;
    this.frames = new VirtualDevice({
      devEui: eui(profile.devEui, "DevEUI"),
      joinEui: eui(profile.joinEui, "JoinEUI"),
      appKey: activation.mode === "otaa" ? key(activation.appKey, "AppKey") : new Uint8Array(16),
      ...(activation.mode === "otaa" && lorawan11
        ? { nwkKey: key(activation.nwkKey, "NwkKey") }
        : {}),
      version: lorawan11 ? "1.1" : "1.0",
    });
    if (activation.mode === "abp") {
      const fNwkSIntKey = key(activation.fNwkSIntKey, "FNwkSIntKey");
      this.frames.useSession({
        devAddr: parseHexBytes(activation.devAddr, 4, "DevAddr", "260B0001"),
        appSKey: key(activation.appSKey, "AppSKey"),
        fNwkSIntKey,
        sNwkSIntKey: lorawan11 ? key(activation.sNwkSIntKey, "SNwkSIntKey") : fNwkSIntKey,
        nwkSEncKey: lorawan11 ? key(activation.nwkSEncKey, "NwkSEncKey") : fNwkSIntKey,
      });
      this.frames.fCntUp = activation.fCntUp ?? 0;
      this.#joined = true;
    }
    this.#stats = emptyStats(profile.deviceId, profile.dataRate);
    this.#mac = {
      settings: this.#settings,
      version: profile.version,
      battery: profile.battery ?? 254,
      margin: 10,
      confirmed: new Set(),
    };
  }

  /** Starts transmitting (after `startDelayMs`) and listening. */
  start(): void {
    if (this.#state !== "stopped") return;
    this.#state = "idle";
    if (this.#options.listen !== false)
      this.#unsubscribe = this.#air.onDownlink((downlink) => this.hear(downlink));
    const delay = this.#options.startDelayMs ?? this.#random() * this.profile.intervalMs;
    this.#nextUplinkAt = this.#clock() + delay;
    this.#schedule(delay, () => this.#transmitNext());
  }

  /** Stops every timer and stops listening. */
  stop(): void {
    this.#state = "stopped";
    this.#cancel();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** Calls `listener` for every event; returns how to stop. */
  on(listener: DeviceEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  stats(): DeviceStats {
    return {
      ...this.#stats,
      downlinks: { ...this.#stats.downlinks },
      joined: this.#joined,
      dataRate: this.#settings.dataRate,
      txPowerIndex: this.#settings.txPowerIndex,
      nbTrans: this.#settings.nbTrans,
      fCntUp: this.frames.fCntUp,
    };
  }

  /** The radio settings the device uses now (read only: for tests and the live view). */
  settings(): Readonly<RadioSettings> {
    return this.#settings;
  }

  /** Asks the network for a LinkCheckAns / DeviceTimeAns in the next uplink. */
  request(name: "LinkCheckReq" | "DeviceTimeReq"): void {
    this.#requests.push(
      name === "LinkCheckReq"
        ? { cid: 0x02, name: "LinkCheckReq" }
        : { cid: 0x0d, name: "DeviceTimeReq" },
    );
  }

  /** A downlink some gateway transmits: kept when it starts in one of the device's windows. */
  hear(downlink: AirDownlink): void {
    if (this.#state === "stopped") return;
    const phy = downlink.phyPayload;
    const mType = (phy[0] ?? 0) >> 5;
    if (mType === 1) this.#hearJoinAccept(downlink);
    else if (mType === 3 || mType === 5) this.#hearData(downlink);
  }

  // --- transmitting ---

  #transmitNext(): void {
    if (this.#state !== "idle") return;
    if (!this.#joined) this.#transmitJoinRequest();
    else this.#transmitData();
  }

  #nextDevNonce(): number {
    // 1.0.4 and 1.1 devices count DevNonces; older ones pick an unused random one.
    if (this.profile.version === "1.0.4" || this.profile.version === "1.1") return ++this.#devNonce;
    for (;;) {
      const nonce = Math.floor(this.#random() * 0x10000) & 0xffff;
      if (!this.#usedDevNonces.has(nonce)) {
        this.#usedDevNonces.add(nonce);
        return nonce;
      }
    }
  }

  #transmitJoinRequest(): void {
    const devNonce = this.#nextDevNonce();
    const phy = this.frames.joinRequest(devNonce);
    this.#joinAttempts++;
    this.#stats.joinRequests++;
    this.#emit({ type: "join-request", at: this.#clock(), devNonce, attempt: this.#joinAttempts });
    const shared = this.#settings.band.sharedParameters;
    this.#transmit(phy, {
      rx1DelayMs: shared.joinAcceptDelay1,
      rx2: {
        frequencyHz: this.#settings.band.defaultRx2.frequency,
        dataRate: this.#settings.band.defaultRx2.dataRateIndex,
      },
      build: undefined,
      after: () => this.#afterJoinWindows(),
    });
  }

  #afterJoinWindows(): void {
    if (this.#joined) {
      this.#joinAttempts = 0;
      this.#nextUplinkAt = this.#clock() + this.#random() * Math.min(1000, this.profile.intervalMs);
      this.#idleUntil(this.#nextUplinkAt);
      return;
    }
    this.#stats.joinFailures++;
    this.#emit({ type: "join-failed", at: this.#clock(), attempt: this.#joinAttempts });
    const backoff = this.#options.joinBackoff ?? { initialMs: 5_000, maxMs: 300_000 };
    const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (this.#joinAttempts - 1));
    this.#idleUntil(this.#clock() + base * (0.5 + this.#random()));
  }

  #transmitData(): void {
    let transaction = this.#transaction;
    if (!transaction) transaction = this.#transaction = this.#newTransaction();
    else {
      transaction.downlinkRead = false;
      if (transaction.confirmed) this.#stats.retransmissions++;
    }
    transaction.attempts++;
    this.#transmit(undefined, {
      rx1DelayMs: this.#settings.receiveDelayMs,
      rx2: this.#settings.rx2,
      build: (channel, dataRate) =>
        this.frames.uplink({
          fCnt: (transaction as Transaction).fCnt,
          confirmed: (transaction as Transaction).confirmed,
          ack: (transaction as Transaction).ack,
          adr: this.profile.adr ?? true,
          adrAckReq: (transaction as Transaction).adrAckReq,
          fOpts: (transaction as Transaction).fOpts,
          txDr: dataRate,
          txCh: channel,
          ...(transaction.fPort !== undefined ? { fPort: transaction.fPort } : {}),
          ...(transaction.payload ? { payload: transaction.payload } : {}),
        }),
      after: () => this.#afterDataWindows(),
    });
  }

  #newTransaction(): Transaction {
    const fCnt = this.frames.fCntUp;
    const confirmed = this.#random() < this.profile.confirmedShare;
    const commands = [...this.#answers, ...this.#sticky, ...this.#indications(), ...this.#requests];
    this.#answers = [];
    this.#requests = [];
    const macBytes = encodeMacCommands(commands, "uplink");
    // Answers that do not fit FOpts go alone on FPort 0 (the application payload waits).
    const generated: GeneratedPayload | undefined =
      macBytes.length > MAX_FOPTS
        ? undefined
        : (this.profile.payload ?? counterPayload)({ deviceId: this.profile.deviceId, fCnt });
    this.#adrAckCount++;
    const adr = this.profile.adr ?? true;
    const { adrAckLimit, adrAckDelay } = this.#settings;
    if (adr && this.#adrAckCount >= adrAckLimit + adrAckDelay) {
      // No downlink for too long: step down to be heard from farther away.
      this.#lowerDataRate();
      this.#adrAckCount = adrAckLimit;
    }
    const ack = this.#ackNext;
    this.#ackNext = false;
    if (confirmed) this.#stats.confirmedUplinks++;
    const version = this.profile.version;
    const maxAttempts = confirmed
      ? (this.profile.confirmedAttempts ??
        (version === "1.0.4" || version === "1.1" ? this.#settings.nbTrans : 8))
      : this.#settings.nbTrans;
    return {
      fCnt,
      confirmed,
      attempts: 0,
      maxAttempts,
      ...(macBytes.length > MAX_FOPTS
        ? { fPort: 0, payload: macBytes }
        : generated
          ? { fPort: generated.fPort, payload: generated.bytes }
          : {}),
      fOpts: macBytes.length > MAX_FOPTS ? new Uint8Array() : macBytes,
      commandNames: commands.map((c) => c.name),
      ack,
      adrAckReq: adr && this.#adrAckCount >= adrAckLimit,
      acknowledged: false,
      downlinkRead: false,
      startedAt: this.#clock(),
    };
  }

  /** RekeyInd (1.1 OTAA) or ResetInd (1.1 ABP) until the network confirms. */
  #indications(): UplinkMacCommand[] {
    if (this.profile.version !== "1.1") return [];
    if (this.profile.activation.mode === "otaa")
      return this.#mac.confirmed.has("RekeyConf")
        ? []
        : [{ cid: 0x0b, name: "RekeyInd", minorVersion: 1 }];
    return this.#mac.confirmed.has("ResetConf")
      ? []
      : [{ cid: 0x01, name: "ResetInd", minorVersion: 1 }];
  }

  #lowerDataRate(): void {
    for (let dr = this.#settings.dataRate - 1; dr >= 0; dr--) {
      if (
        isLoraDataRate(this.#settings.band, dr) &&
        usableChannels(this.#settings, dr).length > 0
      ) {
        this.#settings.dataRate = dr;
        return;
      }
    }
  }

  /**
   * Transmits on a random usable channel at the current data rate, hands the frame to the air
   * when the transmission ends, opens RX1 and RX2 and calls `after` once they have passed.
   */
  #transmit(
    joinRequest: Uint8Array | undefined,
    plan: {
      rx1DelayMs: number;
      rx2: { frequencyHz: number; dataRate: number };
      build: ((channel: number, dataRate: number) => Uint8Array) | undefined;
      after: () => void;
    },
  ): void {
    const settings = this.#settings;
    let dataRate = settings.dataRate;
    let channels = usableChannels(settings, dataRate);
    if (channels.length === 0) {
      // A channel mask left nothing for this data rate (cannot happen after a valid LinkADRReq).
      this.#lowerDataRate();
      dataRate = settings.dataRate;
      channels = usableChannels(settings, dataRate);
    }
    const channel = channels[Math.floor(this.#random() * channels.length)] ?? 0;
    const frequencyHz = settings.channels[channel]?.frequencyHz ?? 0;
    const phy =
      joinRequest ?? (plan.build as (c: number, d: number) => Uint8Array)(channel, dataRate);
    const rate = loraRateOf(settings.band, dataRate);
    const airtimeMs = timeOnAirMicroseconds(phy.length, { kind: "lora", ...rate }) / 1000;
    const startedAt = this.#clock();
    this.#state = "transmitting";
    this.#windows = [];
    this.#transmission = { startedAt, endsAt: startedAt + airtimeMs };
    this.#stats.uplinks++;
    const transaction = this.#transaction;
    if (!joinRequest && transaction)
      this.#emit({
        type: "uplink",
        at: startedAt,
        fCnt: transaction.fCnt,
        confirmed: transaction.confirmed,
        attempt: transaction.attempts,
        frequencyHz,
        dataRate,
        commands: transaction.commandNames,
      });
    this.#schedule(airtimeMs, () => {
      const endedAt = this.#clock();
      this.#transmission = undefined;
      this.#air.send(
        { phyPayload: phy, frequencyHz, rate, endedAt },
        {
          deviceId: this.profile.deviceId,
        },
      );
      const rx1 = joinRequest
        ? rx1Of({ ...settings, rx1DataRateOffset: 0 }, channel, dataRate)
        : rx1Of(settings, channel, dataRate);
      const windows: OpenWindow[] = [];
      if (rx1) windows.push(this.#window("rx1", endedAt + plan.rx1DelayMs, rx1));
      windows.push(this.#window("rx2", endedAt + plan.rx1DelayMs + 1000, plan.rx2));
      this.#windows = windows;
      this.#lastWindows = windows;
      this.#state = "listening";
      const last = windows[windows.length - 1] as OpenWindow;
      this.#schedule(last.closesAt - this.#clock() + SETTLE_MS, () => {
        this.#windows = [];
        this.#state = "idle";
        plan.after();
      });
    });
  }

  #window(
    name: "rx1" | "rx2",
    at: number,
    params: { frequencyHz: number; dataRate: number },
  ): OpenWindow {
    const rate = loraRateOf(this.#settings.band, params.dataRate);
    const symbolMs = (2 ** rate.spreadingFactor / rate.bandwidth) * 1000;
    const tolerance = Math.max(this.#options.windowToleranceMs ?? 20, 5 * symbolMs);
    return {
      name,
      opensAt: at - tolerance,
      closesAt: at + tolerance,
      frequencyHz: params.frequencyHz,
      rate,
    };
  }

  #afterDataWindows(): void {
    const transaction = this.#transaction;
    if (!transaction) {
      this.#idleUntil(this.#nextUplinkAt);
      return;
    }
    const now = this.#clock();
    const shared = this.#settings.band.sharedParameters;
    if (transaction.confirmed && !transaction.acknowledged) {
      if (transaction.attempts < transaction.maxAttempts) {
        // ACK_TIMEOUT: a random wait between the band's bounds before the retransmission.
        const wait =
          shared.minRetransmitTimeout +
          this.#random() * (shared.maxRetransmitTimeout - shared.minRetransmitTimeout);
        this.#idleUntil(now + wait);
        return;
      }
      this.#stats.unacknowledged++;
      this.#emit({ type: "gave-up", at: now, fCnt: transaction.fCnt });
    } else if (
      !transaction.confirmed &&
      !transaction.downlinkRead &&
      transaction.attempts < transaction.maxAttempts
    ) {
      // NbTrans repetitions, stopped by any downlink.
      this.#idleUntil(now + this.#random() * 1000);
      return;
    }
    this.#transaction = undefined;
    this.#nextUplinkAt = Math.max(transaction.startedAt + this.profile.intervalMs, now);
    this.#idleUntil(this.#nextUplinkAt);
  }

  #idleUntil(at: number): void {
    this.#state = "idle";
    this.#schedule(Math.max(0, at - this.#clock()), () => this.#transmitNext());
  }

  /** Sends an uplink soon (an ACK for class C, FPending, answers), unless one is due sooner. */
  #uplinkSoon(): void {
    if (this.#state !== "idle" || !this.#joined) return;
    const at = this.#clock() + 500 + this.#random() * 1500;
    if (at < this.#timerDueAt) this.#schedule(at - this.#clock(), () => this.#transmitNext());
  }

  // --- receiving ---

  /** The window a downlink starts in, on the window's channel and data rate. */
  #windowOf(downlink: AirDownlink): WindowName | undefined {
    const fits = (w: ReceiveWindow) =>
      downlink.frequencyHz === w.frequencyHz &&
      sameRate(downlink.rate, w.rate) &&
      downlink.startsAt >= w.opensAt &&
      downlink.startsAt <= w.closesAt;
    const open = this.#windows.find(fits);
    if (open) return open.name;
    if (this.profile.deviceClass !== "C" || !this.#joined) return undefined;
    // Class C: RX2 continuously, except while transmitting and during RX1.
    const tx = this.#transmission;
    if (tx && downlink.startsAt >= tx.startedAt && downlink.startsAt <= tx.endsAt) return undefined;
    const rx1 = this.#windows.find((w) => w.name === "rx1");
    if (rx1 && downlink.startsAt >= rx1.opensAt && downlink.startsAt <= rx1.closesAt)
      return undefined;
    const rx2 = this.#settings.rx2;
    const rate = loraRateOf(this.#settings.band, rx2.dataRate);
    return downlink.frequencyHz === rx2.frequencyHz && sameRate(downlink.rate, rate)
      ? "classC"
      : undefined;
  }

  #outsideWindow(downlink: AirDownlink): void {
    const at = this.#clock();
    const late = this.#lastWindows.some(
      (w) =>
        downlink.frequencyHz === w.frequencyHz &&
        downlink.startsAt > w.closesAt &&
        downlink.startsAt - w.closesAt < 1000,
    );
    if (late) this.#stats.lateDownlinks++;
    else this.#stats.missedDownlinks++;
    this.#emit({ type: late ? "downlink-late" : "downlink-missed", at });
  }

  #hearJoinAccept(downlink: AirDownlink): void {
    if (this.#joined || this.profile.activation.mode !== "otaa") return;
    const window = this.#windowOf(downlink);
    if (!window || window === "classC") {
      // Only count it when it is this device's (its MIC verifies); it changes nothing.
      if (this.#wouldAccept(downlink.phyPayload)) this.#outsideWindow(downlink);
      return;
    }
    let session: ReturnType<VirtualDevice["acceptJoin"]>;
    try {
      session = this.frames.acceptJoin(downlink.phyPayload);
    } catch {
      return; // Another device's join-accept: its MIC does not verify with our key.
    }
    const accept = session.joinAccept;
    this.#joined = true;
    this.#stats.joins++;
    this.#stats.downlinks[window]++;
    this.#windows = [];
    this.#mac.confirmed.clear();
    this.#settings.rx1DataRateOffset = accept.dlSettings.rx1DrOffset;
    if (isLoraDataRate(this.#settings.band, accept.dlSettings.rx2DataRate))
      this.#settings.rx2 = { ...this.#settings.rx2, dataRate: accept.dlSettings.rx2DataRate };
    this.#settings.receiveDelayMs = Math.max(1, accept.rxDelay) * 1000;
    applyCfList(this.#settings, accept.cfList);
    this.#emit({ type: "joined", at: this.#clock(), devAddr: formatHex(session.devAddr) });
  }

  #wouldAccept(phy: Uint8Array): boolean {
    const probe = new VirtualDevice(this.frames.init);
    probe.joinRequest(this.#devNonce);
    try {
      probe.acceptJoin(phy);
      return true;
    } catch {
      return false;
    }
  }

  #hearData(downlink: AirDownlink): void {
    const session = this.frames.session;
    if (!session || !this.#joined) return;
    const phy = downlink.phyPayload;
    if (phy.length < 12) return;
    const devAddr = session.devAddr;
    // DevAddr is little endian on the air.
    for (let i = 0; i < 4; i++) if (phy[1 + i] !== devAddr[3 - i]) return;
    const window = this.#windowOf(downlink);
    if (!window) {
      this.#outsideWindow(downlink);
      return;
    }
    let read: ReturnType<VirtualDevice["readDownlink"]>;
    try {
      read = this.frames.readDownlink(phy);
    } catch {
      this.#stats.micFailures++;
      this.#emit({ type: "mic-failure", at: this.#clock() });
      return;
    }
    this.#stats.downlinks[window]++;
    this.#adrAckCount = 0;
    if (window === "rx1") this.#windows = [];
    if (window !== "classC") this.#sticky = [];
    const transaction = this.#transaction;
    if (transaction) transaction.downlinkRead = true;
    if (read.frame.fCtrl.ack && transaction?.confirmed && !transaction.acknowledged) {
      transaction.acknowledged = true;
      this.#stats.acknowledged++;
      this.#emit({ type: "acknowledged", at: this.#clock(), fCnt: transaction.fCnt });
    }
    if (read.confirmed) this.#ackNext = true;
    const outcome = answerMacCommands(read.commands, this.#mac);
    this.#answers.push(...outcome.answers);
    this.#sticky.push(...outcome.sticky);
    this.#stats.macCommandsApplied += outcome.applied;
    this.#stats.macCommandsRefused += outcome.refused;
    this.#emit({
      type: "downlink",
      at: this.#clock(),
      window,
      fCnt: read.fCnt,
      confirmed: read.confirmed,
      ...(read.frame.fPort !== undefined ? { fPort: read.frame.fPort } : {}),
      ...(read.payload ? { payload: read.payload } : {}),
      commands: outcome.names,
    });
    const needsUplink =
      read.frame.fCtrl.fPending ||
      (window === "classC" &&
        (read.confirmed || outcome.answers.length + outcome.sticky.length > 0));
    if (needsUplink) this.#uplinkSoon();
  }

  // --- plumbing ---

  #schedule(ms: number, callback: () => void): void {
    this.#cancel();
    this.#timerDueAt = this.#clock() + ms;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      this.#timerDueAt = Number.POSITIVE_INFINITY;
      if (this.#state !== "stopped") callback();
    }, ms);
  }

  #cancel(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDueAt = Number.POSITIVE_INFINITY;
  }

  #emit(event: DeviceEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}

function sameRate(a: LoraRate, b: LoraRate): boolean {
  return a.spreadingFactor === b.spreadingFactor && a.bandwidth === b.bandwidth;
}

import type { FieldProblem } from "./drop-reasons.ts";
import {
  type FieldSpec,
  finiteIn,
  INVALID,
  isObject,
  readFields,
  readFinite,
  readTime,
  readUint32,
  stringUpTo,
} from "./fields.ts";

/** Hardware versions (`hver`) some forwarders report. */
export interface HardwareVersions {
  readonly fpga?: number;
  readonly dsp0?: number;
  readonly dsp1?: number;
}

/** A gateway status report (`stat`), fields renamed to whole words. */
export interface GatewayStat {
  /** `time`: the gateway's UTC time ("2014-01-12 08:59:28 GMT", or ISO). */
  readonly time?: Date;
  /** `boot`: the gateway's boot time. */
  readonly bootTime?: Date;
  /** `lati`, degrees (absent without GPS). */
  readonly latitude?: number;
  /** `long`, degrees. */
  readonly longitude?: number;
  /** `alti`, metres. */
  readonly altitude?: number;
  /** `rxnb`: radio packets received. */
  readonly received?: number;
  /** `rxok`: received with a valid PHY CRC. */
  readonly receivedOk?: number;
  /** `rxfw`: forwarded. */
  readonly forwarded?: number;
  /** `ackr`: % of upstream datagrams acknowledged. */
  readonly acknowledgedPercent?: number;
  /** `dwnb`: downlink datagrams received. */
  readonly downlinksReceived?: number;
  /** `txnb`: packets emitted. */
  readonly transmitted?: number;
  /** `temp`, °C (sx1302). */
  readonly temperature?: number;
  /** `lmok`, `lmst`, `lmnw`: link-test mote counters. */
  readonly linkMoteOk?: number;
  readonly linkMoteFirst?: number;
  readonly linkMoteLast?: number;
  /** `lpps`: lost PPS pulses. */
  readonly lostPps?: number;
  /** `fpga`, `dsp`, `hal`, `hver`: versions. */
  readonly fpgaVersion?: number;
  readonly dspVersion?: number;
  readonly halVersion?: string;
  readonly hardwareVersions?: HardwareVersions;
  /** Other scalar fields some forwarders add (`pfrm`, `mail`, `desc`, ...), as sent. */
  readonly extra?: Readonly<Record<string, string | number | boolean>>;
}

const readDate = (value: unknown) => {
  const microseconds = readTime(value);
  return microseconds === INVALID ? INVALID : new Date(Math.floor((microseconds as number) / 1000));
};

const readHardwareVersions = (value: unknown) => {
  if (!isObject(value)) return INVALID;
  const versions: Record<string, unknown> = {};
  return readFields(value, hverFields, versions, "") === undefined ? versions : INVALID;
};

const hverFields: readonly FieldSpec[] = [
  { wire: "fpga", property: "fpga", read: readUint32 },
  { wire: "dsp0", property: "dsp0", read: readUint32 },
  { wire: "dsp1", property: "dsp1", read: readUint32 },
];

const statFields: readonly FieldSpec[] = [
  { wire: "time", property: "time", read: readDate },
  { wire: "boot", property: "bootTime", read: readDate },
  { wire: "lati", property: "latitude", read: finiteIn(-90, 90) },
  { wire: "long", property: "longitude", read: finiteIn(-180, 180) },
  { wire: "alti", property: "altitude", read: readFinite },
  { wire: "rxnb", property: "received", read: readUint32 },
  { wire: "rxok", property: "receivedOk", read: readUint32 },
  { wire: "rxfw", property: "forwarded", read: readUint32 },
  { wire: "ackr", property: "acknowledgedPercent", read: finiteIn(0, 100) },
  { wire: "dwnb", property: "downlinksReceived", read: readUint32 },
  { wire: "txnb", property: "transmitted", read: readUint32 },
  { wire: "temp", property: "temperature", read: readFinite },
  { wire: "lmok", property: "linkMoteOk", read: readUint32 },
  { wire: "lmst", property: "linkMoteFirst", read: readUint32 },
  { wire: "lmnw", property: "linkMoteLast", read: readUint32 },
  { wire: "lpps", property: "lostPps", read: readUint32 },
  { wire: "fpga", property: "fpgaVersion", read: readUint32 },
  { wire: "dsp", property: "dspVersion", read: readUint32 },
  { wire: "hal", property: "halVersion", read: stringUpTo(64) },
  { wire: "hver", property: "hardwareVersions", read: readHardwareVersions },
];

const known = new Set(statFields.map((spec) => spec.wire));
/** Bounds on what a gateway may make us keep from free-form fields. */
const MAX_EXTRA = 32;
const MAX_EXTRA_NAME = 64;
const MAX_EXTRA_TEXT = 256;

/** Reads a `stat` object; a problem names the first bad field (`stat.time`). */
export function readStat(value: unknown): GatewayStat | FieldProblem {
  if (!isObject(value)) return { reason: "bad_field", field: "stat" };
  const stat: Record<string, unknown> = {};
  const problem = readFields(value, statFields, stat, "stat.");
  if (problem !== undefined) return problem;
  let extra: Record<string, string | number | boolean> | undefined;
  let count = 0;
  for (const name in value) {
    if (known.has(name) || name.length > MAX_EXTRA_NAME || count >= MAX_EXTRA) continue;
    const field = value[name];
    if (
      (typeof field === "number" && Number.isFinite(field)) ||
      typeof field === "boolean" ||
      (typeof field === "string" && field.length <= MAX_EXTRA_TEXT)
    ) {
      extra ??= Object.create(null) as Record<string, string | number | boolean>;
      extra[name] = field;
      count++;
    }
  }
  if (extra !== undefined) stat.extra = extra;
  return stat as GatewayStat;
}

/**
 * CPU time and memory of a process, read from /proc (Linux): the stack's share and the load
 * generator's share of the machine are both measured this way, so they compare.
 */
import { readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) the process used so far; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces and parentheses: fields are counted after its last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Resident memory now and at its peak, in bytes (VmRSS, VmHWM); zeros once it is gone. */
export function memory(pid: number): { rss: number; peakRss: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (name: string) =>
      Number(status.match(new RegExp(`^${name}:\\s+(\\d+)`, "m"))?.[1] ?? 0);
    return { rss: kib("VmRSS") * 1024, peakRss: kib("VmHWM") * 1024 };
  } catch {
    return { rss: 0, peakRss: 0 };
  }
}

/** Share of one core a process used between two readings (1 = one core busy). */
export class CpuMeter {
  readonly #pid: number;
  #cpu: number;
  #at: number;

  constructor(pid: number) {
    this.#pid = pid;
    this.#cpu = cpuSeconds(pid);
    this.#at = performance.now();
  }

  /** Cores used since the last reading (or construction); starts the next interval. */
  read(): number {
    const cpu = cpuSeconds(this.#pid);
    const at = performance.now();
    const cores = (cpu - this.#cpu) / Math.max((at - this.#at) / 1000, 1e-3);
    this.#cpu = cpu;
    this.#at = at;
    return cores;
  }
}

/**
 * Group commit: changes of many devices collected for a few milliseconds (or up to a batch size)
 * and written in one registry transaction, each caller resolving only once it committed.
 */
import { clone } from "@bufbuild/protobuf";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { errIndexValueTaken, errKeyChanged } from "../../storage/message-store/index.ts";
import type { OutboxMessage } from "../registry/outbox.ts";
import type { DeviceChange, DeviceKey, NsDeviceRegistry } from "../registry/registry.ts";
import { errStoreStopped } from "./errors.ts";

interface Queued {
  key: DeviceKey;
  change: DeviceChange;
  outbox: (() => readonly OutboxMessage[]) | undefined;
  resolve: (device: EndDevice | undefined) => void;
  reject: (error: unknown) => void;
}

/** What one written batch did, per change in order: the key and the device as stored. */
export interface CommittedBatch {
  keys: readonly DeviceKey[];
  results: readonly (EndDevice | undefined)[];
}

export interface GroupCommitOptions {
  registry: Pick<NsDeviceRegistry, "updateMany">;
  /** How long the first change of a batch waits for others. */
  intervalMs: number;
  /** A batch is written at once when it has this many changes. */
  maxBatch: number;
  /** Called after a batch committed, before its callers resolve. */
  onCommitted(batch: CommittedBatch): void;
  /** Called when a batch failed as a whole: the state of its devices is not known here. */
  onFailed(keys: readonly DeviceKey[]): void;
}

// A batch that fails because of one change's result (a taken JoinEUI/DevEUI, a changed key) is
// written again one change at a time, so that only that change's caller fails.
const callerCaused = [errIndexValueTaken, errKeyChanged];

export class GroupCommit {
  readonly #options: GroupCommitOptions;
  #queue: Queued[] = [];
  #timer: NodeJS.Timeout | undefined;
  #due = false;
  #writing: Promise<void> | undefined;
  #stopped = false;
  /** Transactions written so far. */
  transactions = 0;

  constructor(options: GroupCommitOptions) {
    this.#options = options;
  }

  /** Queues a change; `outbox`: messages written with it when it succeeds (see DeviceUpdate). */
  commit(
    key: DeviceKey,
    change: DeviceChange,
    outbox?: () => readonly OutboxMessage[],
  ): Promise<EndDevice | undefined> {
    if (this.#stopped) return Promise.reject(errStoreStopped.create({}));
    return new Promise((resolve, reject) => {
      this.#queue.push({ key, change, outbox, resolve, reject });
      this.#schedule();
    });
  }

  /** Writes what is queued and refuses new changes. */
  async stop(): Promise<void> {
    this.#stopped = true;
    while (this.#writing || this.#queue.length > 0) {
      this.#due = true;
      this.#schedule();
      await this.#writing;
    }
  }

  #schedule(): void {
    if (this.#queue.length === 0) return;
    if (this.#queue.length >= this.#options.maxBatch) this.#due = true;
    if (this.#due) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      if (!this.#writing) this.#writing = this.#write();
      return;
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#due = true;
      this.#schedule();
    }, this.#options.intervalMs);
  }

  async #write(): Promise<void> {
    this.#due = false;
    const batch = this.#queue.splice(0, this.#options.maxBatch);
    try {
      await this.#writeBatch(batch, true);
    } finally {
      this.#writing = undefined;
      // What collected meanwhile waited at least as long as this write: it goes next.
      if (this.#queue.length > 0) this.#due = true;
      this.#schedule();
    }
  }

  /**
   * Writes a batch in one transaction. The first attempt hands each change the device and
   * nothing else; a change that fails aborts it, and the batch is written again `careful`ly:
   * each change then gets a copy, and its device is written back as it was when it fails.
   */
  async #writeBatch(batch: readonly Queued[], split: boolean, careful = false): Promise<void> {
    const failures = new Map<number, unknown>();
    const changes = batch.map((queued, i) => ({
      key: queued.key,
      change: wrap(queued, careful, (error) => {
        if (error === undefined) failures.delete(i);
        else failures.set(i, error);
      }),
      // A change that failed was written back as it was: nothing of it goes out.
      outbox: queued.outbox && (() => (failures.has(i) ? [] : (queued.outbox?.() ?? []))),
    }));
    let results: (EndDevice | undefined)[];
    try {
      this.transactions++;
      results = await this.#options.registry.updateMany(changes);
    } catch (error) {
      if (error === changeFailed) return this.#writeBatch(batch, split, true);
      if (split && batch.length > 1 && callerCaused.some((cause) => cause.matches(error))) {
        for (const queued of batch) await this.#writeBatch([queued], false, careful);
        return;
      }
      this.#options.onFailed(batch.map((queued) => queued.key));
      for (const queued of batch) queued.reject(error);
      return;
    }
    this.#options.onCommitted({ keys: batch.map((queued) => queued.key), results });
    batch.forEach((queued, i) => {
      if (failures.has(i)) queued.reject(failures.get(i));
      else queued.resolve(results[i]);
    });
  }
}

/** What aborts an attempt in which a change failed (never seen outside this module). */
const changeFailed = new Error("a change of the batch failed");

/**
 * The caller's change, made safe to batch: an error (or a result with another device's key)
 * is reported; then, when `careful`, the device is written back as it was, so that the
 * transaction goes on, and otherwise the attempt is aborted (no copy of the device is made
 * for a failure that is rare). The registry may call a change again (a retried transaction):
 * each call reports anew.
 */
function wrap(queued: Queued, careful: boolean, report: (error: unknown) => void): DeviceChange {
  return async (current) => {
    const pristine = careful && current !== undefined ? clone(EndDeviceSchema, current) : undefined;
    try {
      const next = await queued.change(current);
      if (next !== null && !sameKey(next, queued.key))
        throw errKeyChanged.create({
          table: "ns_end_devices",
          key: `${queued.key.applicationId}/${queued.key.deviceId}`,
          new_key: `${next.ids?.applicationIds?.applicationId}/${next.ids?.deviceId}`,
        });
      report(undefined);
      return next;
    } catch (error) {
      report(error ?? new Error("device change failed"));
      if (!careful) throw changeFailed;
      return pristine ?? null;
    }
  };
}

function sameKey(device: EndDevice, key: DeviceKey): boolean {
  return (
    device.ids?.applicationIds?.applicationId === key.applicationId &&
    device.ids?.deviceId === key.deviceId
  );
}

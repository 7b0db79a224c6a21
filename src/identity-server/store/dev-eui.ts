import { errorNamespace } from "../../errors/index.ts";
import { lockRows } from "../../storage/locking.ts";
import { inTransaction } from "../../storage/transaction.ts";
import type { StoreDatabase } from "./database.ts";
import { errNotFound } from "./errors.ts";

const errors = errorNamespace("identity-server/store/dev-eui");
/** The application has been issued as many DevEUIs as one application may get. */
export const errApplicationDevEuiLimitReached = errors.failedPrecondition(
  "application_dev_eui_limit_reached",
  "application issued DevEUI limit ({dev_eui_limit}) reached",
);
/** The configured block has no address left. */
export const errNoEuiBlockAvailable = errors.failedPrecondition(
  "no_eui_or_block_available",
  "no EUI or EUI block available",
);

/** An IEEE address block to issue DevEUIs from: `prefix` is 16 hex digits, `length` bits. */
export interface DevEuiBlock {
  prefix: string;
  length: number;
  /** The counter of the first DevEUI issued from a block seen for the first time. */
  initCounter: number;
}

/** The most addresses a block is used for: counters stay exact JavaScript numbers. */
const maxCounter = Number.MAX_SAFE_INTEGER;

/** Where DevEUIs are issued: a counter per block, and how many each application got. */
export interface DevEuiStore {
  /**
   * Issues the next DevEUI of `block` to the application, in one transaction: not_found when
   * the application does not exist (or is deleted), `application_dev_eui_limit_reached` when
   * it already got `applicationLimit` (0: no limit), `no_eui_or_block_available` when the
   * block is used up. Issued DevEUIs are never issued again, whatever happens to the device.
   */
  issue(applicationId: string, block: DevEuiBlock, applicationLimit: number): Promise<string>;
}

export function createDevEuiStore(context: { db: StoreDatabase; now?: () => Date }): DevEuiStore {
  const now = context.now ?? (() => new Date());
  return {
    issue: (applicationId, block, applicationLimit) =>
      inTransaction(context.db, async (trx) => {
        // The application row is locked first, so two issues for one application take turns.
        const application = await lockRows(
          trx,
          trx
            .selectFrom("applications")
            .select("dev_eui_counter")
            .where("application_id", "=", applicationId)
            .where("deleted_at", "is", null),
          "update",
        ).executeTakeFirst();
        if (!application) throw errNotFound.create({ kind: "application", id: applicationId });
        const issued = Number(application.dev_eui_counter);
        if (applicationLimit > 0 && issued >= applicationLimit)
          throw errApplicationDevEuiLimitReached.create({ dev_eui_limit: applicationLimit });
        await trx
          .updateTable("applications")
          .set({ dev_eui_counter: issued + 1 })
          .where("application_id", "=", applicationId)
          .execute();

        const key = `${block.prefix.toUpperCase()}/${block.length}`;
        const start = startEui(block);
        await trx
          .insertInto("dev_eui_blocks")
          .values({
            prefix: key,
            start_eui: start,
            end_counter: blockSize(block.length) - 1,
            current_counter: block.initCounter,
            created_at: now().toISOString(),
          })
          .onConflict((conflict) => conflict.column("prefix").doNothing())
          .execute();
        const row = await lockRows(
          trx,
          trx
            .selectFrom("dev_eui_blocks")
            .select(["start_eui", "current_counter", "end_counter"])
            .where("prefix", "=", key),
          "update",
        ).executeTakeFirstOrThrow();
        const counter = Number(row.current_counter);
        if (counter > Number(row.end_counter)) throw errNoEuiBlockAvailable.create();
        await trx
          .updateTable("dev_eui_blocks")
          .set({ current_counter: counter + 1 })
          .where("prefix", "=", key)
          .execute();
        return euiAt(row.start_eui, counter);
      }),
  };
}

/** The number of addresses of a block of `length` prefix bits, at most {@link maxCounter} + 1. */
export function blockSize(length: number): number {
  const bits = 64 - length;
  return bits >= 53 ? maxCounter + 1 : 2 ** bits;
}

/** The first address of the block: the prefix bits, the rest zero. */
export function startEui(block: Pick<DevEuiBlock, "prefix" | "length">): string {
  const value = BigInt(`0x${block.prefix}`);
  const hostBits = BigInt(64 - block.length);
  const start = (value >> hostBits) << hostBits;
  return start.toString(16).toUpperCase().padStart(16, "0");
}

/** The address `counter` places after `start`, as 16 upper-case hex digits. */
export function euiAt(start: string, counter: number): string {
  return (BigInt(`0x${start}`) + BigInt(counter)).toString(16).toUpperCase().padStart(16, "0");
}

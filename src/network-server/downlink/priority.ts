import { TxSchedulePriority } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";

/** The Network Server's downlink priorities (The Things Stack's `ns.downlink-priorities`). */
export interface DownlinkPriorities {
  readonly joinAccept: TxSchedulePriority;
  readonly macCommands: TxSchedulePriority;
  /** Application downlinks ask for a priority; this is the most they get. */
  readonly maxApplicationDownlink: TxSchedulePriority;
}

/** The Things Stack's defaults: join-accepts and MAC commands highest, applications at most high. */
export const defaultDownlinkPriorities: DownlinkPriorities = Object.freeze({
  joinAccept: TxSchedulePriority.HIGHEST,
  macCommands: TxSchedulePriority.HIGHEST,
  maxApplicationDownlink: TxSchedulePriority.HIGH,
});

/** What a downlink carries, for its priority. */
export type DownlinkContent =
  | { readonly kind: "join-accept" }
  | {
      readonly kind: "data";
      /** The application downlink's own priority, if it carries one. */
      readonly applicationPriority?: TxSchedulePriority | undefined;
      /** MAC commands in FOpts or on FPort 0. */
      readonly macCommands: boolean;
    };

/**
 * The scheduling priority of a downlink: an application's own, capped; raised to the MAC
 * command priority when the downlink carries MAC commands (or is MAC-only).
 */
export function downlinkPriority(
  content: DownlinkContent,
  priorities: DownlinkPriorities = defaultDownlinkPriorities,
): TxSchedulePriority {
  if (content.kind === "join-accept") return priorities.joinAccept;
  let priority = Math.min(
    content.applicationPriority ?? TxSchedulePriority.LOWEST,
    priorities.maxApplicationDownlink,
  );
  if (content.macCommands || content.applicationPriority === undefined) {
    priority = Math.max(priority, priorities.macCommands);
  }
  return priority as TxSchedulePriority;
}

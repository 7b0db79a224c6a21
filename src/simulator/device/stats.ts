/** What a simulated device counts, and the events it reports for a live view. */

/** Which window a downlink was read in: RX1, RX2 or class C's continuous RX2. */
export type WindowName = "rx1" | "rx2" | "classC";

export interface DeviceStats {
  deviceId: string;
  joined: boolean;
  joinRequests: number;
  joins: number;
  /** Join-requests that got no valid join-accept in their windows. */
  joinFailures: number;
  /** Frames transmitted, repetitions and retransmissions included. */
  uplinks: number;
  /** Confirmed uplinks (counted once, whatever the retransmissions). */
  confirmedUplinks: number;
  retransmissions: number;
  /** Confirmed uplinks acknowledged / given up on. */
  acknowledged: number;
  unacknowledged: number;
  /** Downlinks read in each window (their MIC verified). */
  downlinks: Record<WindowName, number>;
  /** Downlinks for the device that started after the window they were meant for had closed. */
  lateDownlinks: number;
  /** Other downlinks for the device that it could not receive (no window open, wrong channel). */
  missedDownlinks: number;
  micFailures: number;
  macCommandsApplied: number;
  macCommandsRefused: number;
  dataRate: number;
  txPowerIndex: number;
  nbTrans: number;
  /** The next uplink frame counter. */
  fCntUp: number;
}

export function emptyStats(deviceId: string, dataRate: number): DeviceStats {
  return {
    deviceId,
    joined: false,
    joinRequests: 0,
    joins: 0,
    joinFailures: 0,
    uplinks: 0,
    confirmedUplinks: 0,
    retransmissions: 0,
    acknowledged: 0,
    unacknowledged: 0,
    downlinks: { rx1: 0, rx2: 0, classC: 0 },
    lateDownlinks: 0,
    missedDownlinks: 0,
    micFailures: 0,
    macCommandsApplied: 0,
    macCommandsRefused: 0,
    dataRate,
    txPowerIndex: 0,
    nbTrans: 1,
    fCntUp: 0,
  };
}

/** What happened, as it happens; `at` is on the simulation's clock. */
export type DeviceEvent =
  | { type: "join-request"; at: number; devNonce: number; attempt: number }
  | { type: "joined"; at: number; devAddr: string }
  | { type: "join-failed"; at: number; attempt: number }
  | {
      type: "uplink";
      at: number;
      fCnt: number;
      confirmed: boolean;
      attempt: number;
      frequencyHz: number;
      dataRate: number;
      /** MAC commands sent, by name. */
      commands: string[];
    }
  | {
      type: "downlink";
      at: number;
      window: WindowName;
      fCnt: number;
      confirmed: boolean;
      fPort?: number;
      payload?: Uint8Array;
      /** MAC commands read, by name. */
      commands: string[];
    }
  | { type: "downlink-late" | "downlink-missed" | "mic-failure"; at: number }
  | { type: "acknowledged" | "gave-up"; at: number; fCnt: number };

export type DeviceEventListener = (event: DeviceEvent) => void;

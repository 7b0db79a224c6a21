/**
 * Why an upstream frame was not turned into a message: a fixed table, so that a flood of
 * garbage costs a small object per frame (no error, no stack) and can be counted by reason.
 */
export const dropReasons = {
  not_json: "the frame is not a JSON object",
  no_msgtype: "the message has no msgtype",
  unknown_msgtype: "the msgtype is not one Basics Station sends",
  ignored_msgtype: "the msgtype is known but not handled (rmtsh, device-mode frames)",
  bad_field: "a field is missing or has a wrong type or value",
  no_xtime: "an uplink without xtime cannot be answered (basicstation issue 74)",
  bad_frame: "the fields do not make a LoRaWAN frame",
} as const;

export type DropReason = keyof typeof dropReasons;

/** A dropped frame: the reason and, for `bad_field`, the field at fault. */
export interface Drop {
  readonly ok: false;
  readonly reason: DropReason;
  readonly field?: string;
  /** The msgtype, when the frame had a string one. */
  readonly msgtype?: string;
}

export function drop(reason: DropReason, field?: string, msgtype?: string): Drop {
  return { ok: false, reason, field, msgtype };
}

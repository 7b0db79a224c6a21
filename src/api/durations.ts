/**
 * google.protobuf.Duration from a count of microseconds, exactly: the value is rounded to a
 * whole microsecond and split in integers. (`durationFromMs` of a fractional millisecond count
 * subtracts floats and can yield nanos like 567000.0000000073, which no encoder accepts.)
 */
import { create } from "@bufbuild/protobuf";
import { type Duration, DurationSchema } from "@bufbuild/protobuf/wkt";

export function durationFromMicroseconds(microseconds: number): Duration {
  const whole = Math.round(microseconds);
  const sign = whole < 0 ? -1 : 1;
  const magnitude = Math.abs(whole);
  const seconds = Math.floor(magnitude / 1_000_000);
  const nanos = (magnitude - seconds * 1_000_000) * 1000;
  return create(DurationSchema, {
    seconds: BigInt(sign * seconds),
    nanos: nanos === 0 ? 0 : sign * nanos,
  });
}

/**
 * What the benchmarks share: one measuring round. Each benchmark runs its operations in
 * alternating rounds and keeps each one's best rate, so load from other processes skews the
 * ratios against the floor as little as possible.
 */

/**
 * Runs `op` in batches of `batch` for about `roundMs` and returns its rate per second. `op`
 * returns a number that is summed, so the work it does cannot be optimised away.
 */
export function measureRound(op: () => number, roundMs = 200, batch = 1000): number {
  let check = 0;
  let count = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(roundMs * 1e6);
  let now = start;
  while (now < end) {
    for (let i = 0; i < batch; i++) check += op();
    count += batch;
    now = process.hrtime.bigint();
  }
  if (Number.isNaN(check)) throw new Error("unreachable: keeps the results alive");
  return count / (Number(now - start) / 1e9);
}

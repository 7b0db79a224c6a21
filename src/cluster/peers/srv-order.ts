/** One DNS SRV answer. */
export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

/**
 * The order in which to try SRV targets (RFC 2782): lower priority first; within one priority,
 * a weighted random order, each remaining record drawn with a chance proportional to its
 * weight; records of weight 0 come after the others of their priority, in random order.
 * `random` returns a number in [0, 1).
 */
export function orderSrvRecords(
  records: readonly SrvRecord[],
  random: () => number = Math.random,
): SrvRecord[] {
  const priorities = [...new Set(records.map((record) => record.priority))].sort((a, b) => a - b);
  return priorities.flatMap((priority) =>
    weightedOrder(
      records.filter((record) => record.priority === priority),
      random,
    ),
  );
}

function weightedOrder(group: SrvRecord[], random: () => number): SrvRecord[] {
  const left = [...group];
  const ordered: SrvRecord[] = [];
  while (left.length > 0) {
    const total = left.reduce((sum, record) => sum + record.weight, 0);
    let index: number;
    if (total === 0) {
      index = Math.min(Math.floor(random() * left.length), left.length - 1);
    } else {
      const draw = random() * total;
      let running = 0;
      index = left.findIndex((record) => {
        running += record.weight;
        return running > draw;
      });
      // Only rounding at the very top of the range can leave no record: take the last one.
      if (index < 0) index = left.findLastIndex((record) => record.weight > 0);
    }
    ordered.push(...left.splice(index, 1));
  }
  return ordered;
}

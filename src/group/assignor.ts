// The sticky uniform assignor: a pure function from members, their subscriptions and
// topic partition counts (plus the previous target assignment) to the next target
// assignment. Partitions stay with their previous owner when it still subscribes;
// the rest go to the least loaded subscriber; then single partitions move from a
// member to a subscriber of the same topic with at least two fewer partitions, until
// none can. With identical subscriptions that makes loads differ by at most one.

import { invariant } from "../common/invariant.js";
import { type PartitionKey, partitionKey, splitKey } from "../protocol/assignment.js";

export interface AssignorMember {
  memberId: string;
  topics: readonly string[];
}

export type TargetAssignment = Map<string, Set<PartitionKey>>;

export function assignPartitions(
  members: readonly AssignorMember[],
  partitionCounts: ReadonlyMap<string, number>,
  previous: ReadonlyMap<string, ReadonlySet<PartitionKey>>,
): TargetAssignment {
  const ordered = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const target: TargetAssignment = new Map(ordered.map((m) => [m.memberId, new Set<PartitionKey>()]));
  const subscribers = new Map<string, string[]>();
  for (const m of ordered)
    for (const topic of m.topics) (subscribers.get(topic) ?? subscribers.set(topic, []).get(topic)!).push(m.memberId);
  const load = (memberId: string) => target.get(memberId)!.size;
  const leastLoaded = (topic: string) => {
    let best: string | null = null;
    for (const id of subscribers.get(topic) ?? []) if (best === null || load(id) < load(best)) best = id;
    return best;
  };

  const taken = new Set<PartitionKey>();
  for (const m of ordered) {
    for (const key of previous.get(m.memberId) ?? []) {
      const { topic, partition } = splitKey(key);
      if (m.topics.includes(topic) && partition < (partitionCounts.get(topic) ?? 0) && !taken.has(key)) {
        target.get(m.memberId)!.add(key);
        taken.add(key);
      }
    }
  }
  let total = 0;
  for (const topic of [...subscribers.keys()].sort()) {
    const count = partitionCounts.get(topic) ?? 0;
    total += count;
    for (let partition = 0; partition < count; partition++) {
      const key = partitionKey(topic, partition);
      if (!taken.has(key)) target.get(leastLoaded(topic)!)!.add(key);
    }
  }

  // Each move lowers the sum of squared loads by at least 2, so moves are bounded.
  const maxMoves = (total * total) / 2 + 1;
  let moves = 0;
  for (let moved = true; moved; ) {
    moved = false;
    for (const m of [...ordered].sort((a, b) => load(b.memberId) - load(a.memberId))) {
      for (const key of [...target.get(m.memberId)!].reverse()) {
        const receiver = leastLoaded(splitKey(key).topic)!;
        if (load(m.memberId) - load(receiver) < 2) continue;
        target.get(m.memberId)!.delete(key);
        target.get(receiver)!.add(key);
        moved = true;
        moves++;
        invariant(moves <= maxMoves, "the assignor converges");
      }
    }
  }
  return target;
}

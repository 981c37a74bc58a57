// Small set operations on `{topic: [partitions]}` and the `topic:partition` keys the
// consumer indexes its positions by.

import type { Assignment } from "../protocol/group.js";

export interface TopicPartition {
  topic: string;
  partition: number;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export function toPartitions(assignment: Assignment): TopicPartition[] {
  return Object.entries(assignment).flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition })));
}

export function toAssignment(partitions: Iterable<TopicPartition>): Assignment {
  const out: Assignment = {};
  for (const { topic, partition } of partitions) {
    out[topic] ??= [];
    out[topic].push(partition);
  }
  for (const ps of Object.values(out)) ps.sort((a, b) => a - b);
  return out;
}

/** The partitions of `a` that are not in `b`. */
export function minus(a: Assignment, b: Assignment): TopicPartition[] {
  return toPartitions(a).filter(({ topic, partition }) => !b[topic]?.includes(partition));
}

export function sameAssignment(a: Assignment, b: Assignment): boolean {
  return minus(a, b).length === 0 && minus(b, a).length === 0;
}

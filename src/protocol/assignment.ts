// Partitions of an assignment, shared by the coordinator, the SDK and the console:
// the wire form `{topic: [partitions]}`, a list of {topic, partition}, and one string
// key per partition, `<topic>:<partition>` (topic names never contain ':', so the key
// is unambiguous and sets of partitions are plain Sets).

import type { Assignment } from "./group.js";

export type PartitionKey = string;

export interface TopicPartition {
  topic: string;
  partition: number;
}

export function partitionKey(topic: string, partition: number): PartitionKey {
  return `${topic}:${partition}`;
}

export function splitKey(key: PartitionKey): TopicPartition {
  const at = key.lastIndexOf(":");
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}

export function toPartitions(assignment: Assignment): TopicPartition[] {
  return Object.entries(assignment).flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition })));
}

/** The wire form, topics and partitions sorted. */
export function toAssignment(partitions: Iterable<TopicPartition>): Assignment {
  const out: Assignment = {};
  for (const { topic, partition } of partitions) {
    out[topic] ??= [];
    out[topic].push(partition);
  }
  const sorted: Assignment = {};
  for (const topic of Object.keys(out).sort()) sorted[topic] = out[topic]!.sort((a, b) => a - b);
  return sorted;
}

export function keysToAssignment(keys: Iterable<PartitionKey>): Assignment {
  return toAssignment([...keys].map(splitKey));
}

export function assignmentKeys(assignment: Assignment): Set<PartitionKey> {
  return new Set(toPartitions(assignment).map(({ topic, partition }) => partitionKey(topic, partition)));
}

/** The partitions of `a` that are not in `b`. */
export function minus(a: Assignment, b: Assignment): TopicPartition[] {
  return toPartitions(a).filter(({ topic, partition }) => !b[topic]?.includes(partition));
}

export function sameAssignment(a: Assignment, b: Assignment): boolean {
  return minus(a, b).length === 0 && minus(b, a).length === 0;
}

// Inside the coordinator a partition is one string, `<topic>:<partition>`: topic names
// never contain ':', so the key is unambiguous and sets of partitions are plain Sets.

import type { Assignment } from "../protocol/group.js";

export type PartitionKey = string;

export function partitionKey(topic: string, partition: number): PartitionKey {
  return `${topic}:${partition}`;
}

export function splitKey(key: PartitionKey): { topic: string; partition: number } {
  const at = key.lastIndexOf(":");
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}

export function toAssignment(keys: Iterable<PartitionKey>): Assignment {
  const assignment: Assignment = {};
  for (const key of keys) {
    const { topic, partition } = splitKey(key);
    const partitions = assignment[topic];
    if (partitions) partitions.push(partition);
    else assignment[topic] = [partition];
  }
  const sorted: Assignment = {};
  for (const topic of Object.keys(assignment).sort()) sorted[topic] = assignment[topic]!.sort((a, b) => a - b);
  return sorted;
}

export function fromAssignment(assignment: Assignment): Set<PartitionKey> {
  const keys = new Set<PartitionKey>();
  for (const [topic, partitions] of Object.entries(assignment)) {
    for (const partition of partitions) keys.add(partitionKey(topic, partition));
  }
  return keys;
}

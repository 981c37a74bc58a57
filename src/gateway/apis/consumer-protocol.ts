// The "consumer" embedded protocol of classic groups (ConsumerProtocolSubscription and
// ConsumerProtocolAssignment): JoinGroup metadata carries a member's topics (and, from
// v1, what it still owns); SyncGroup hands back its partitions.

import { MalformedFrame, Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import type { Assignment } from "../edgelog-api.js";

/** Every Edgelog group is a consumer group: the protocol type classic groups name. */
export const CONSUMER_PROTOCOL_TYPE = "consumer";

export interface Subscription {
  topics: string[];
  /** v1+: partitions a cooperative member keeps across the rebalance; {} when eager. */
  owned: Assignment;
}

/** Null when the metadata is not a consumer subscription the gateway can read. */
export function readSubscription(metadata: Buffer): Subscription | null {
  try {
    const reader = new Reader(metadata);
    const version = reader.int16();
    const topics = reader.array(false, (r) => r.string(false));
    const owned: Assignment = {};
    if (reader.remaining > 0) reader.nullableBytes(false); // user_data: the client's assignor's, unused here
    // @platformatic/kafka writes version 1 without owned_partitions: what it lacks, it does not keep.
    if (version >= 1 && reader.remaining > 0) {
      for (const entry of reader.array(false, (r) => ({
        topic: r.string(false),
        partitions: r.array(false, (p) => p.int32()),
      }))) {
        owned[entry.topic] = entry.partitions;
      }
    }
    return { topics, owned };
  } catch (error) {
    if (error instanceof MalformedFrame) return null;
    throw error;
  }
}

/** Every subscribed topic is listed, with no partitions if need be: kafkajs forgets a
 * topic's committed offsets when a new assignment omits it, while an older fetch of it
 * may still commit (a crash in its offset manager). */
export function writeAssignment(assignment: Assignment, subscribed: readonly string[]): Buffer {
  const topics = [...new Set([...subscribed, ...Object.keys(assignment)])].map((topic): [string, number[]] => [
    topic,
    assignment[topic] ?? [],
  ]);
  const writer = new Writer().int16(0);
  writer.array(topics, false, (w, [topic, partitions]) => {
    w.string(topic, false).array(partitions, false, (p, partition) => p.int32(partition));
  });
  // Empty user data rather than null: kafkajs reads the field as bytes.
  return Buffer.from(writer.nullableBytes(Buffer.alloc(0), false).bytesView());
}

/** A v0 subscription, as DescribeGroups shows a member's metadata. */
export function writeSubscription(topics: readonly string[]): Buffer {
  const writer = new Writer().int16(0).array(topics, false, (w, topic) => w.string(topic, false));
  return Buffer.from(writer.nullableBytes(Buffer.alloc(0), false).bytesView());
}

export function sameAssignment(a: Assignment, b: Assignment): boolean {
  const flat = (x: Assignment) =>
    Object.entries(x)
      .flatMap(([topic, partitions]) => partitions.map((p) => `${topic}:${p}`))
      .sort()
      .join(",");
  return flat(a) === flat(b);
}

// One round of the consumer's fetch loop: a long-poll of POST /v1/fetch across the
// partitions it wants, and the answer turned into batches, each partition's position
// resolved or moved on as the answer says.

import type { TopicPartition } from "../protocol/assignment.js";
import type { Batch, ConsumerOptions } from "./consumer-types.js";
import { type FetchedRecord, fromWire } from "./messages.js";
import type { Positions, StartAt } from "./positions.js";
import type { Transport } from "./transport.js";

export interface FetchAnswer {
  partitions: (
    | { topic: string; partition: number; records: FetchedRecord[]; nextOffset: number; highWatermark: number }
    | { topic: string; partition: number; error: { code: string; message: string } }
  )[];
}

/** Long-polls at most maxWaitMs (and never past heartbeatIntervalMs, so that a
 * rebalance is seen in time); `signal` cuts it short. */
export async function fetchPartitions(
  transport: Transport,
  options: ConsumerOptions,
  positions: Positions,
  startAt: StartAt,
  wanted: TopicPartition[],
  heartbeatIntervalMs: number,
  signal: AbortSignal,
): Promise<FetchAnswer> {
  const maxWaitMs = Math.min(options.maxWaitMs ?? 5_000, heartbeatIntervalMs);
  const body = {
    partitions: wanted.map(({ topic, partition }) => ({
      topic,
      partition,
      offset: positions.get(topic, partition)?.next ?? startAt,
    })),
    maxWaitMs,
    maxBytes: options.maxBytes ?? 1_048_576,
    maxRecords: options.maxRecords ?? 500,
  };
  return await transport.request<FetchAnswer>("POST", "/v1/fetch", body, { extraTimeMs: maxWaitMs, signal });
}

/** The answer's partitions as batches (empty ones too, for their highWatermark). A
 * partition whose position moved meanwhile (seek, revocation) is left out. */
export function batchesOf(answer: FetchAnswer, positions: Positions, startAt: StartAt): Batch[] {
  const batches: Batch[] = [];
  for (const entry of answer.partitions) {
    const position = positions.get(entry.topic, entry.partition);
    if (!position) continue;
    if ("error" in entry) {
      // Out of range (retention passed it): start again where the group would.
      if (entry.error.code === "OFFSET_OUT_OF_RANGE") position.next = startAt;
      continue;
    }
    const first = entry.records[0]?.offset ?? entry.nextOffset;
    if (typeof position.next !== "number") position.next = first;
    const messages = entry.records
      .filter((r) => r.offset >= (position.next as number))
      .map((r) => fromWire(entry.topic, entry.partition, r));
    if (messages.length === 0 && entry.nextOffset > position.next) position.next = entry.nextOffset;
    batches.push({ topic: entry.topic, partition: entry.partition, highWatermark: entry.highWatermark, messages });
  }
  return batches;
}

// How a partition log's batches map to SQLite rows: a produce batch split into rows of
// at most maxBatchRowBytes, and stored rows read back as the batches a leader ships.

import { BATCH_FIXED_BYTES } from "../protocol/record-codec.js";
import type { ReplicatedBatch } from "./partition-log.js";

/** Stored batches from `fromOffset` on, in offset order, at most maxBatches. */
export function* storedBatchesFrom(
  sql: SqlStorage,
  fromOffset: number,
  maxBatches: number,
): Generator<ReplicatedBatch> {
  const cursor = sql.exec<{
    base_offset: number;
    last_offset: number;
    leader_epoch: number;
    max_timestamp: number;
    payload: ArrayBuffer;
    producer_id: number | null;
    producer_epoch: number | null;
    base_sequence: number | null;
  }>(
    `SELECT base_offset, last_offset, leader_epoch, max_timestamp, payload, producer_id, producer_epoch, base_sequence
     FROM batches WHERE base_offset >= ? ORDER BY base_offset LIMIT ?`,
    fromOffset,
    maxBatches,
  );
  for (const row of cursor) {
    yield {
      baseOffset: row.base_offset,
      lastOffset: row.last_offset,
      leaderEpoch: row.leader_epoch,
      maxTimestamp: row.max_timestamp,
      payload: new Uint8Array(row.payload),
      producer:
        row.producer_id === null
          ? null
          : { producerId: row.producer_id, producerEpoch: row.producer_epoch!, baseSequence: row.base_sequence! },
    };
  }
}

/** Splits records (by where each starts) into ranges [from, to) of at most maxRowBytes
 * of payload each; a larger record gets a row of its own. */
export function rowRanges(recordStarts: readonly number[], maxRowBytes: number): [number, number][] {
  const ranges: [number, number][] = [];
  let from = 0;
  let rowBytes = BATCH_FIXED_BYTES;
  for (let i = 0; i + 1 < recordStarts.length; i++) {
    const bytes = recordStarts[i + 1]! - recordStarts[i]!;
    if (i > from && rowBytes + bytes > maxRowBytes) {
      ranges.push([from, i]);
      from = i;
      rowBytes = BATCH_FIXED_BYTES;
    }
    rowBytes += bytes;
  }
  ranges.push([from, recordStarts.length - 1]);
  return ranges;
}

/** Batches in order up to about maxBytes (at least one) and maxBatches. */
export function takeBatches(
  batches: Iterable<ReplicatedBatch>,
  maxBytes: number,
  maxBatches: number,
): ReplicatedBatch[] {
  const taken: ReplicatedBatch[] = [];
  let bytes = 0;
  for (const batch of batches) {
    if (taken.length >= maxBatches || (taken.length > 0 && bytes + batch.payload.length > maxBytes)) break;
    bytes += batch.payload.length;
    taken.push(batch);
  }
  return taken;
}

/** The largest of values[from..to). */
export function maxOf(values: readonly number[], from: number, to: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = from; i < to; i++) max = Math.max(max, values[i]!);
  return max;
}

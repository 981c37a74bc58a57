// How a partition log's batches map to SQLite rows: a produce batch split into rows of
// at most maxBatchRowBytes, and stored rows read back as the batches a leader ships.

import { invariant } from "../common/invariant.js";
import { sliceCompactedRow } from "../protocol/compacted-batch.js";
import { BATCH_FIXED_BYTES } from "../protocol/record-codec.js";
import type { ReplicatedBatch } from "./partition-log.js";

type BatchRow = {
  base_offset: number;
  last_offset: number;
  leader_epoch: number;
  max_timestamp: number;
  payload: ArrayBuffer;
  producer_id: number | null;
  producer_epoch: number | null;
  base_sequence: number | null;
};

const COLUMNS =
  "base_offset, last_offset, leader_epoch, max_timestamp, payload, producer_id, producer_epoch, base_sequence";

/** Stored batches from `fromOffset` on, in offset order, at most maxBatches. A row that
 * compaction merged may hold `fromOffset` inside it (a follower's log ended there
 * before the merge): its part from `fromOffset` on comes first, as a row of its own. */
export function* storedBatchesFrom(
  sql: SqlStorage,
  fromOffset: number,
  maxBatches: number,
): Generator<ReplicatedBatch> {
  // The row before fromOffset, then its end checked here: a WHERE on last_offset would
  // scan every older row when none holds it (the usual case).
  const before = sql
    .exec<{ base: number; last: number }>(
      "SELECT base_offset AS base, last_offset AS last FROM batches WHERE base_offset < ? ORDER BY base_offset DESC LIMIT 1",
      fromOffset,
    )
    .toArray()[0];
  if (before && before.last >= fromOffset) {
    const holding = sql.exec<BatchRow>(`SELECT ${COLUMNS} FROM batches WHERE base_offset = ?`, before.base).one();
    invariant(holding.producer_id === null, `a row at ${holding.base_offset} of a producer is never split`);
    const payload = sliceCompactedRow(
      { baseOffset: holding.base_offset, payload: new Uint8Array(holding.payload) },
      fromOffset,
    );
    yield { ...replicated(holding), baseOffset: fromOffset, payload };
    maxBatches--;
  }
  const cursor = sql.exec<BatchRow>(
    `SELECT ${COLUMNS} FROM batches WHERE base_offset >= ? ORDER BY base_offset LIMIT ?`,
    fromOffset,
    maxBatches,
  );
  for (const row of cursor) yield replicated(row);
}

function replicated(row: BatchRow): ReplicatedBatch {
  return {
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

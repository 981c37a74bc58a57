// The log of one partition replica in SQLite: one row per stored batch (a produce
// batch, split at maxBatchRowBytes), offsets dense across rows.

import { invariant } from "../common/invariant.js";
import { decodeBatch, type ReadForm, recordOffset, type StampedBatch, sliceBatch } from "../protocol/record-codec.js";
import { maxOf, rowRanges, storedBatchesFrom, takeBatches } from "./batch-rows.js";
import { LeaderEpochCache } from "./leader-epoch-cache.js";
import { mapIterable, type ReadResult, renderRecords, type StoredRow } from "./log-read.js";
import { createLogSchema } from "./log-schema.js";
import { type ProducerBatch, ProducerStates } from "./producer-state.js";
import { RecentBatches } from "./recent-batches.js";

export interface LogOffsets {
  logStartOffset: number;
  highWatermark: number;
  logEndOffset: number;
}

/** A stored batch as a leader ships it to its followers. */
export interface ReplicatedBatch {
  baseOffset: number;
  lastOffset: number;
  leaderEpoch: number;
  maxTimestamp: number;
  payload: Uint8Array;
  /** The idempotent producer that wrote it, with the sequence of its first record. */
  producer: ProducerBatch | null;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  rowsWritten: number;
}

type BatchRow = {
  base_offset: number;
  last_offset: number;
  payload: ArrayBuffer;
};

export class PartitionLog {
  readonly producers: ProducerStates;
  private offsets: LogOffsets;
  private storedBytes: number;
  private readonly recent = new RecentBatches();
  readonly epochs: LeaderEpochCache;
  /** The highest logStartOffset a leader's retention chose that this replica was told
   * of (never below the logStartOffset): no leader serves below it once it holds it. */
  private pending: number;
  /** The highWatermark last written to log_state. */
  private checkpointed: number;

  constructor(private readonly sql: SqlStorage) {
    createLogSchema(sql);
    this.producers = new ProducerStates(sql);
    this.epochs = new LeaderEpochCache(sql, () => this.offsets.logEndOffset);
    const stored = sql
      .exec<{ s: number; hw: number; pending: number }>(
        "SELECT log_start_offset AS s, high_watermark AS hw, pending_log_start_offset AS pending FROM log_state",
      )
      .toArray()[0];
    const start = stored?.s ?? 0;
    const tail = sql
      .exec<{ end: number | null; bytes: number | null }>(
        "SELECT MAX(last_offset) + 1 AS end, SUM(size_bytes) AS bytes FROM batches",
      )
      .one();
    const logEndOffset = tail.end ?? start;
    // The checkpoint may lag the true highWatermark (it is only ever too low, which is
    // safe); a single-replica partition raises it to the logEndOffset at once.
    const highWatermark = Math.min(Math.max(stored?.hw ?? 0, start), logEndOffset);
    this.offsets = { logStartOffset: start, highWatermark, logEndOffset };
    this.checkpointed = highWatermark;
    this.pending = Math.max(stored?.pending ?? 0, start);
    this.storedBytes = tail.bytes ?? 0;
    this.checkOffsets();
  }

  get state(): Readonly<LogOffsets> {
    return this.offsets;
  }

  get sizeBytes(): number {
    return this.storedBytes;
  }

  get pendingLogStartOffset(): number {
    return this.pending;
  }

  /** Appends a stamped batch as one or more rows (split at maxRowBytes), in the
   * caller's transaction. */
  append(batch: StampedBatch, leaderEpoch: number, maxRowBytes: number, producer: ProducerBatch | null): AppendResult {
    const count = batch.timestamps.length;
    invariant(count > 0, "append of an empty batch");
    const baseOffset = this.offsets.logEndOffset;
    let rowsWritten = 0;
    for (const [from, to] of rowRanges(batch.recordStarts, maxRowBytes)) {
      // A row carries its producer's sequence, so followers rebuild producer state.
      const rowProducer = producer && { ...producer, baseSequence: producer.baseSequence + from };
      rowsWritten += this.insertBatch({
        baseOffset: baseOffset + from,
        lastOffset: baseOffset + to - 1,
        leaderEpoch,
        maxTimestamp: maxOf(batch.timestamps, from, to),
        payload: sliceBatch(batch, from, to),
        producer: rowProducer,
      });
    }
    invariant(this.offsets.logEndOffset === baseOffset + count, "appended offsets are dense");
    return { baseOffset, lastOffset: baseOffset + count - 1, rowsWritten };
  }

  /** A follower's append: the leader's batches, byte for byte, at the leader's offsets. */
  appendReplicated(batches: readonly ReplicatedBatch[]): number {
    let rowsWritten = 0;
    for (const batch of batches) rowsWritten += this.insertBatch(batch);
    return rowsWritten;
  }

  /** Moves the highWatermark up (never down, never past the logEndOffset), in memory:
   * checkpoints are lazy (high-watermark-checkpoint.ts). */
  advanceHighWatermark(to: number): boolean {
    const target = Math.min(to, this.offsets.logEndOffset);
    if (target <= this.offsets.highWatermark) return false;
    this.offsets = { ...this.offsets, highWatermark: target };
    this.checkOffsets();
    this.recent.release(target);
    return true;
  }

  /** Writes the highWatermark to log_state if it moved since it was last written. */
  checkpointHighWatermark(): boolean {
    if (this.offsets.highWatermark <= this.checkpointed) return false;
    this.saveState();
    return true;
  }

  /** The leader epoch of the record at `offset`, from its batch or, below the
   * logStartOffset, from the leader-epoch cache; -1 before offset 0. */
  epochAt(offset: number): number {
    if (offset < 0) return -1;
    const recent = this.recent.epochAt(offset);
    if (recent !== null) return recent;
    const row = this.sql
      .exec<{ e: number }>(
        "SELECT leader_epoch AS e FROM batches WHERE base_offset <= ? AND last_offset >= ? ORDER BY base_offset DESC LIMIT 1",
        offset,
        offset,
      )
      .toArray()[0];
    return row ? row.e : this.epochs.epochAt(offset);
  }

  /** Drops every record at or after `offset` (a diverged suffix). A batch that straddles
   * `offset` goes whole: the leader sends it again. Returns the new logEndOffset. */
  truncateTo(offset: number): number {
    if (offset >= this.offsets.logEndOffset) return this.offsets.logEndOffset;
    const straddling = this.sql
      .exec<{ base: number }>(
        "SELECT base_offset AS base FROM batches WHERE base_offset < ? AND last_offset >= ?",
        offset,
        offset,
      )
      .toArray()[0];
    const end = Math.max(straddling?.base ?? offset, this.offsets.logStartOffset);
    const removed = this.sql
      .exec<{ bytes: number | null }>("SELECT SUM(size_bytes) AS bytes FROM batches WHERE base_offset >= ?", end)
      .one().bytes;
    this.sql.exec("DELETE FROM batches WHERE base_offset >= ?", end);
    this.epochs.truncateFrom(end);
    this.recent.clear();
    this.storedBytes -= removed ?? 0;
    this.producers.rebuild();
    const highWatermark = Math.min(this.offsets.highWatermark, end);
    this.offsets = { ...this.offsets, highWatermark, logEndOffset: end };
    this.checkOffsets();
    this.saveState();
    return end;
  }

  /** Stored batches from `fromOffset` (a batch boundary) up to about maxBytes, at least
   * one: what a leader sends a follower. The newest come from memory. */
  batchesFrom(fromOffset: number, maxBytes: number, maxBatches: number): ReplicatedBatch[] {
    const recent = this.recent.from(fromOffset, this.offsets.logEndOffset);
    return takeBatches(recent ?? storedBatchesFrom(this.sql, fromOffset, maxBatches), maxBytes, maxBatches);
  }

  /** Whether this log holds exactly the records before `offset`, the last of them of
   * epoch `prevEpoch`: where a leader's batches may continue it. */
  continuesAt(offset: number, prevEpoch: number): boolean {
    const { logStartOffset, highWatermark, logEndOffset } = this.offsets;
    if (offset > logEndOffset || offset < logStartOffset) return false;
    // Above the highWatermark a log that ends inside a batch diverged; below it a
    // follower's may end inside a row compaction merged since (batch-rows.ts splits it).
    if (offset > highWatermark && !this.isBatchBoundary(offset)) return false;
    return offset === logStartOffset || this.epochAt(offset - 1) === prevEpoch;
  }

  /** Whether `offset` starts a stored batch or is the logEndOffset. */
  private isBatchBoundary(offset: number): boolean {
    if (offset === this.offsets.logEndOffset || offset === this.offsets.logStartOffset) return true;
    return this.sql.exec("SELECT 1 FROM batches WHERE base_offset = ?", offset).toArray().length > 0;
  }

  private insertBatch(batch: ReplicatedBatch): number {
    invariant(
      batch.baseOffset === this.offsets.logEndOffset,
      `batch at ${batch.baseOffset} appended at ${this.offsets.logEndOffset}`,
    );
    invariant(batch.lastOffset >= batch.baseOffset, "a batch holds at least one record");
    const cursor = this.sql.exec(
      `INSERT INTO batches (base_offset, last_offset, leader_epoch, max_timestamp, size_bytes, payload,
         producer_id, producer_epoch, base_sequence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      batch.baseOffset,
      batch.lastOffset,
      batch.leaderEpoch,
      batch.maxTimestamp,
      batch.payload.length,
      batch.payload,
      batch.producer?.producerId ?? null,
      batch.producer?.producerEpoch ?? null,
      batch.producer?.baseSequence ?? null,
    );
    this.epochs.assign(batch.leaderEpoch, batch.baseOffset);
    if (batch.producer)
      this.producers.record(batch.producer, batch.lastOffset - batch.baseOffset + 1, batch.baseOffset);
    this.storedBytes += batch.payload.length;
    this.offsets = { ...this.offsets, logEndOffset: batch.lastOffset + 1 };
    this.checkOffsets();
    this.recent.add(batch);
    return cursor.rowsWritten;
  }

  /** Committed records from `offset`, at most maxRecords, and at most maxBytes unless
   * the first record alone is larger (Kafka KIP-74). */
  read(offset: number, maxRecords: number, maxBytes: number, encoding: ReadForm): ReadResult {
    const end = this.offsets.highWatermark;
    const batches = offset < end ? this.batchesHolding(offset, end) : [];
    return renderRecords(batches, offset, end, { maxRecords, maxBytes, encoding });
  }

  /** Stored batches from the one holding `offset` up to `end` (exclusive, by base
   * offset): the newest from memory, the rest from SQLite. */
  private batchesHolding(offset: number, end: number): Iterable<StoredRow> {
    const recent = this.recent.holding(offset, this.offsets.logEndOffset);
    if (recent) return recent;
    const first = this.sql
      .exec<{ base: number }>(
        "SELECT base_offset AS base FROM batches WHERE base_offset <= ? ORDER BY base_offset DESC LIMIT 1",
        offset,
      )
      .toArray()[0];
    const cursor = this.sql.exec<BatchRow>(
      "SELECT base_offset, last_offset, payload FROM batches WHERE base_offset >= ? AND base_offset < ? ORDER BY base_offset",
      first?.base ?? offset,
      end,
    );
    return mapIterable(cursor, (row) => ({
      baseOffset: row.base_offset,
      lastOffset: row.last_offset,
      payload: new Uint8Array(row.payload),
    }));
  }

  /** Kafka ListOffsets by time: the first committed offset whose timestamp is at or
   * after `timestampMs`, or null when there is none. */
  offsetForTimestamp(timestampMs: number): { offset: number; timestamp: number } | null {
    const cursor = this.sql.exec<BatchRow>(
      "SELECT base_offset, last_offset, payload FROM batches WHERE max_timestamp >= ? AND base_offset < ? ORDER BY base_offset",
      timestampMs,
      this.offsets.highWatermark,
    );
    for (const row of cursor) {
      const decoded = decodeBatch(new Uint8Array(row.payload));
      const { records } = decoded;
      for (let i = 0; i < records.length; i++) {
        const offset = recordOffset(decoded, row.base_offset, i);
        if (offset >= this.offsets.highWatermark) return null;
        if (offset >= this.offsets.logStartOffset && records[i]!.timestamp >= timestampMs) {
          return { offset, timestamp: records[i]!.timestamp };
        }
      }
    }
    return null;
  }

  /** The largest timestamp of the oldest stored batch: when time retention is next due. */
  oldestBatchTimestamp(): number | null {
    const row = this.sql
      .exec<{ t: number }>("SELECT max_timestamp AS t FROM batches ORDER BY base_offset LIMIT 1")
      .toArray()[0];
    return row ? row.t : null;
  }

  /** Where retention would move the logStartOffset: past the whole batches from the
   * pending logStartOffset on whose newest record is older than
   * `deleteBeforeTimestampMs`, then past the oldest while the log is over
   * `maxSizeBytes` (never past the newest batch). Only committed batches go. */
  retentionPoint(deleteBeforeTimestampMs: number, maxSizeBytes: number, maxBatches: number): number {
    let size = this.storedBytes - this.bytesBelow(this.pending);
    let point = this.pending;
    const rows = this.sql
      .exec<{ last_offset: number; max_timestamp: number; size_bytes: number }>(
        "SELECT last_offset, max_timestamp, size_bytes FROM batches WHERE last_offset >= ? ORDER BY base_offset LIMIT ?",
        this.pending,
        maxBatches,
      )
      .toArray();
    for (const row of rows) {
      if (row.last_offset >= this.offsets.highWatermark) break;
      const expired = row.max_timestamp < deleteBeforeTimestampMs;
      const oversize = size > maxSizeBytes && this.offsets.logEndOffset - 1 > row.last_offset;
      if (!expired && !oversize) break;
      size -= row.size_bytes;
      point = row.last_offset + 1;
    }
    return point;
  }

  /** Raises the pending logStartOffset to `offset` (a leader's retention chose it);
   * true when it moved. */
  holdLogStartOffset(offset: number): boolean {
    if (offset <= this.pending) return false;
    this.pending = offset;
    this.saveState();
    return true;
  }

  /** Moves the logStartOffset up to `offset`, committed by the leader: deletes every
   * batch wholly below it. A log that ends below `offset` is emptied and starts there
   * (Kafka's truncate fully and start at), with no leader epochs left to contradict the
   * leader's. Returns whether it moved. */
  advanceLogStartOffset(offset: number): boolean {
    if (offset <= this.offsets.logStartOffset) return false;
    if (offset > this.offsets.logEndOffset) {
      this.sql.exec("DELETE FROM batches");
      this.epochs.clear();
      this.storedBytes = 0;
      this.producers.rebuild();
      this.offsets = { logStartOffset: offset, highWatermark: offset, logEndOffset: offset };
    } else {
      this.storedBytes -= this.bytesBelow(offset);
      this.sql.exec("DELETE FROM batches WHERE last_offset < ?", offset);
      // Records below a committed offset are committed: the highWatermark covers them.
      const highWatermark = Math.max(this.offsets.highWatermark, offset);
      this.offsets = { ...this.offsets, logStartOffset: offset, highWatermark };
    }
    this.recent.clear();
    this.pending = Math.max(this.pending, offset);
    this.checkOffsets();
    this.saveState();
    return true;
  }

  /** Compaction rewrote stored rows (compaction-store.ts), changing the stored size
   * by `bytesDelta`: the cached batches may be among them. */
  rowsRewritten(bytesDelta: number): void {
    this.storedBytes += bytesDelta;
    this.recent.clear();
  }

  /** The stored size of the batches wholly below `offset`. */
  private bytesBelow(offset: number): number {
    const sql = "SELECT SUM(size_bytes) AS bytes FROM batches WHERE last_offset < ?";
    return this.sql.exec<{ bytes: number | null }>(sql, offset).one().bytes ?? 0;
  }

  private saveState(): void {
    this.checkpointed = this.offsets.highWatermark;
    this.sql.exec(
      `INSERT INTO log_state (id, log_start_offset, high_watermark, pending_log_start_offset) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET log_start_offset = excluded.log_start_offset,
         high_watermark = excluded.high_watermark, pending_log_start_offset = excluded.pending_log_start_offset`,
      this.offsets.logStartOffset,
      this.offsets.highWatermark,
      this.pending,
    );
  }

  private checkOffsets(): void {
    const { logStartOffset, highWatermark, logEndOffset } = this.offsets;
    invariant(
      0 <= logStartOffset && logStartOffset <= highWatermark && highWatermark <= logEndOffset,
      `0 <= logStartOffset (${logStartOffset}) <= highWatermark (${highWatermark}) <= logEndOffset (${logEndOffset})`,
    );
    invariant(logStartOffset <= this.pending, `logStartOffset ${logStartOffset} above its pending ${this.pending}`);
  }
}

// The log of one partition replica in SQLite: one row per stored batch (a produce
// batch, split at maxBatchRowBytes), offsets dense across rows.

import { invariant } from "../common/invariant.js";
import {
  BATCH_FIXED_BYTES,
  decodeBatch,
  type Encoding,
  encodeBatch,
  encodedRecordBytes,
  type RecordFormat,
  recordSizeBytes,
  renderRecord,
  type StoredRecord,
} from "../protocol/record-codec.js";

export interface LogOffsets {
  logStartOffset: number;
  highWatermark: number;
  logEndOffset: number;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  rowsWritten: number;
}

export interface ReadResult {
  /** Rendered records, each a JSON object text. */
  records: string[];
  sizeBytes: number;
  nextOffset: number;
  rowsRead: number;
}

type BatchRow = {
  base_offset: number;
  payload: ArrayBuffer;
};

export class PartitionLog {
  private offsets: LogOffsets;
  private storedBytes: number;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS batches (
      base_offset INTEGER PRIMARY KEY,
      last_offset INTEGER NOT NULL,
      leader_epoch INTEGER NOT NULL,
      max_timestamp REAL NOT NULL,
      size_bytes INTEGER NOT NULL,
      payload BLOB NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS log_state (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      log_start_offset INTEGER NOT NULL)`);
    const start = sql.exec<{ s: number }>("SELECT log_start_offset AS s FROM log_state").toArray()[0]?.s ?? 0;
    const tail = sql
      .exec<{ end: number | null; bytes: number | null }>(
        "SELECT MAX(last_offset) + 1 AS end, SUM(size_bytes) AS bytes FROM batches",
      )
      .one();
    const logEndOffset = tail.end ?? start;
    // With one replica every appended record is committed, so the highWatermark is the
    // logEndOffset; replication will keep its own checkpoint.
    this.offsets = { logStartOffset: start, highWatermark: logEndOffset, logEndOffset };
    this.storedBytes = tail.bytes ?? 0;
    this.checkOffsets();
  }

  get state(): Readonly<LogOffsets> {
    return this.offsets;
  }

  get sizeBytes(): number {
    return this.storedBytes;
  }

  /** Appends records as one or more rows in a single transaction. */
  append(
    records: readonly StoredRecord[],
    format: RecordFormat,
    leaderEpoch: number,
    maxRowBytes: number,
  ): AppendResult {
    invariant(records.length > 0, "append of an empty batch");
    const baseOffset = this.offsets.logEndOffset;
    let rowsWritten = 0;
    let next = baseOffset;
    let bytesAdded = 0;
    for (const rowRecords of splitRows(records, maxRowBytes)) {
      const payload = encodeBatch(rowRecords, format);
      const sizeBytes = rowRecords.reduce((n, r) => n + recordSizeBytes(r), 0);
      const maxTimestamp = rowRecords.reduce((m, r) => Math.max(m, r.timestamp), Number.NEGATIVE_INFINITY);
      const last = next + rowRecords.length - 1;
      const cursor = this.sql.exec(
        "INSERT INTO batches (base_offset, last_offset, leader_epoch, max_timestamp, size_bytes, payload) VALUES (?, ?, ?, ?, ?, ?)",
        next,
        last,
        leaderEpoch,
        maxTimestamp,
        sizeBytes,
        payload,
      );
      rowsWritten += cursor.rowsWritten;
      bytesAdded += sizeBytes;
      next = last + 1;
    }
    invariant(next === baseOffset + records.length, "appended offsets are dense");
    this.storedBytes += bytesAdded;
    this.offsets = { ...this.offsets, logEndOffset: next };
    this.checkOffsets();
    return { baseOffset, lastOffset: next - 1, rowsWritten };
  }

  advanceHighWatermark(to: number): void {
    invariant(to >= this.offsets.highWatermark, `highWatermark moves back from ${this.offsets.highWatermark} to ${to}`);
    this.offsets = { ...this.offsets, highWatermark: to };
    this.checkOffsets();
  }

  /** Committed records from `offset`, at most maxRecords, and at most maxBytes unless
   * the first record alone is larger (Kafka KIP-74). */
  read(offset: number, maxRecords: number, maxBytes: number, encoding: Encoding): ReadResult {
    const result: ReadResult = { records: [], sizeBytes: 0, nextOffset: offset, rowsRead: 0 };
    const end = this.offsets.highWatermark;
    if (offset >= end) return result;
    const first = this.sql
      .exec<{ base: number }>(
        "SELECT base_offset AS base FROM batches WHERE base_offset <= ? ORDER BY base_offset DESC LIMIT 1",
        offset,
      )
      .toArray()[0];
    const cursor = this.sql.exec<BatchRow>(
      "SELECT base_offset, payload FROM batches WHERE base_offset >= ? AND base_offset < ? ORDER BY base_offset",
      first?.base ?? offset,
      end,
    );
    let done = false;
    for (const row of cursor) {
      const batch = decodeBatch(new Uint8Array(row.payload));
      for (let i = 0; i < batch.records.length && !done; i++) {
        const at = row.base_offset + i;
        if (at < offset) continue;
        if (at >= end || result.records.length >= maxRecords) {
          done = true;
          break;
        }
        const record = batch.records[i]!;
        const size = recordSizeBytes(record);
        if (result.records.length > 0 && result.sizeBytes + size > maxBytes) {
          done = true;
          break;
        }
        result.records.push(renderRecord(record, at, batch.format, encoding));
        result.sizeBytes += size;
        result.nextOffset = at + 1;
      }
      if (done) break;
    }
    result.rowsRead = cursor.rowsRead + 1;
    return result;
  }

  /** Kafka ListOffsets by time: the first committed offset whose timestamp is at or
   * after `timestampMs`, or null when there is none. */
  offsetForTimestamp(timestampMs: number): { offset: number; timestamp: number } | null {
    const cursor = this.sql.exec<BatchRow>(
      "SELECT base_offset, payload FROM batches WHERE max_timestamp >= ? AND base_offset < ? ORDER BY base_offset",
      timestampMs,
      this.offsets.highWatermark,
    );
    for (const row of cursor) {
      const { records } = decodeBatch(new Uint8Array(row.payload));
      for (let i = 0; i < records.length; i++) {
        const offset = row.base_offset + i;
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

  /** Deletes whole batches from the head: those whose newest record is older than
   * `deleteBeforeTimestampMs`, then the oldest while the log is over `maxSizeBytes`
   * (never the newest batch). Only committed batches go. Returns batches deleted. */
  truncateHead(deleteBeforeTimestampMs: number, maxSizeBytes: number, maxBatches: number): number {
    let deleted = 0;
    let newStart = this.offsets.logStartOffset;
    const cursor = this.sql.exec<{
      base_offset: number;
      last_offset: number;
      max_timestamp: number;
      size_bytes: number;
    }>(
      "SELECT base_offset, last_offset, max_timestamp, size_bytes FROM batches ORDER BY base_offset LIMIT ?",
      maxBatches,
    );
    const rows = cursor.toArray();
    let size = this.storedBytes;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (row.last_offset >= this.offsets.highWatermark) break;
      const expired = row.max_timestamp < deleteBeforeTimestampMs;
      const oversize = size > maxSizeBytes && this.offsets.logEndOffset - 1 > row.last_offset;
      if (!expired && !oversize) break;
      size -= row.size_bytes;
      newStart = row.last_offset + 1;
      deleted++;
    }
    if (deleted === 0) return 0;
    this.sql.exec("DELETE FROM batches WHERE base_offset < ?", newStart);
    this.setLogStartOffset(newStart);
    this.storedBytes = size;
    return deleted;
  }

  private setLogStartOffset(offset: number): void {
    invariant(offset >= this.offsets.logStartOffset, "logStartOffset never moves back");
    this.sql.exec(
      "INSERT INTO log_state (id, log_start_offset) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET log_start_offset = excluded.log_start_offset",
      offset,
    );
    this.offsets = { ...this.offsets, logStartOffset: offset };
    this.checkOffsets();
  }

  private checkOffsets(): void {
    const { logStartOffset, highWatermark, logEndOffset } = this.offsets;
    invariant(
      0 <= logStartOffset && logStartOffset <= highWatermark && highWatermark <= logEndOffset,
      `0 <= logStartOffset (${logStartOffset}) <= highWatermark (${highWatermark}) <= logEndOffset (${logEndOffset})`,
    );
  }
}

/** Groups records into rows of at most maxRowBytes of payload; a larger record gets a
 * row of its own. */
function splitRows(records: readonly StoredRecord[], maxRowBytes: number): StoredRecord[][] {
  const rows: StoredRecord[][] = [];
  let current: StoredRecord[] = [];
  let currentBytes = BATCH_FIXED_BYTES;
  for (const record of records) {
    const bytes = encodedRecordBytes(record);
    if (current.length > 0 && currentBytes + bytes > maxRowBytes) {
      rows.push(current);
      current = [];
      currentBytes = BATCH_FIXED_BYTES;
    }
    current.push(record);
    currentBytes += bytes;
  }
  if (current.length > 0) rows.push(current);
  return rows;
}

// The SQLite of log compaction: the passes a leader chose (each replica applies them in
// order, so all write the same bytes), how far this replica has applied them, and the
// stored rows a step reads and rewrites.

import { invariant } from "../common/invariant.js";
import { decodeBatch } from "../protocol/record-codec.js";
import type { CompactionPass } from "./cleaner.js";
import type { RowRewrite, StoredRow } from "./row-merge.js";

export interface NumberedPass extends CompactionPass {
  seq: number;
  /** The leaderEpoch of the leader that chose it: a newer leader's pass replaces an
   * uncommitted one of the same seq. */
  leaderEpoch: number;
}

export interface CompactionProgress {
  /** The last pass every in-sync replica holds: passes up to it may be applied. */
  committedSeq: number;
  /** The last pass this replica has applied to every row below its end. */
  appliedSeq: number;
  /** The end of the last applied pass: the dirty section starts here. */
  cleanedUpTo: number;
  /** Where the cleaning of pass appliedSeq + 1 resumes; -1 before it started. */
  cursor: number;
  /** The earliest horizon of a tombstone left by the applied passes; -1 when none. */
  nextDeleteHorizonMs: number;
}

const INITIAL: CompactionProgress = {
  committedSeq: 0,
  appliedSeq: 0,
  cleanedUpTo: 0,
  cursor: -1,
  nextDeleteHorizonMs: -1,
};

export class CompactionStore {
  /** `passesKept`: applied passes kept for followers that have not heard of them. */
  constructor(
    private readonly sql: SqlStorage,
    private readonly passesKept: number,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS compaction_passes (seq INTEGER PRIMARY KEY, leader_epoch INTEGER NOT NULL,
      end_offset INTEGER NOT NULL, now_ms REAL NOT NULL, delete_retention_ms INTEGER NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS compaction_state (id INTEGER PRIMARY KEY CHECK (id = 1),
      committed_seq INTEGER NOT NULL, applied_seq INTEGER NOT NULL, cleaned_up_to INTEGER NOT NULL,
      cursor INTEGER NOT NULL, next_delete_horizon_ms REAL NOT NULL)`);
  }

  progress(): CompactionProgress {
    const row = this.sql
      .exec<{ c: number; a: number; u: number; cursor: number; h: number }>(
        `SELECT committed_seq AS c, applied_seq AS a, cleaned_up_to AS u, cursor, next_delete_horizon_ms AS h
         FROM compaction_state`,
      )
      .toArray()[0];
    if (!row) return { ...INITIAL };
    return {
      committedSeq: row.c,
      appliedSeq: row.a,
      cleanedUpTo: row.u,
      cursor: row.cursor,
      nextDeleteHorizonMs: row.h,
    };
  }

  saveProgress(p: CompactionProgress): void {
    this.sql.exec(
      `INSERT INTO compaction_state (id, committed_seq, applied_seq, cleaned_up_to, cursor, next_delete_horizon_ms)
       VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET committed_seq = excluded.committed_seq,
         applied_seq = excluded.applied_seq, cleaned_up_to = excluded.cleaned_up_to, cursor = excluded.cursor,
         next_delete_horizon_ms = excluded.next_delete_horizon_ms`,
      p.committedSeq,
      p.appliedSeq,
      p.cleanedUpTo,
      p.cursor,
      p.nextDeleteHorizonMs,
    );
  }

  /** The passes after `seq`, in order, at most `limit`. */
  passesAfter(seq: number, limit: number): NumberedPass[] {
    return this.sql
      .exec<{ seq: number; leader_epoch: number; end_offset: number; now_ms: number; delete_retention_ms: number }>(
        "SELECT * FROM compaction_passes WHERE seq > ? ORDER BY seq LIMIT ?",
        seq,
        limit,
      )
      .toArray()
      .map((r) => ({
        seq: r.seq,
        leaderEpoch: r.leader_epoch,
        endOffset: r.end_offset,
        nowMs: r.now_ms,
        deleteRetentionMs: r.delete_retention_ms,
      }));
  }

  /** The seq of the last pass stored; 0 when none. */
  lastSeq(): number {
    return this.sql.exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM compaction_passes").one().seq ?? 0;
  }

  passAt(seq: number): NumberedPass | null {
    return this.passesAfter(seq - 1, 1).find((p) => p.seq === seq) ?? null;
  }

  /** Drops the passes after `seq` (a deposed leader's, never committed). */
  dropAfter(seq: number): void {
    this.sql.exec("DELETE FROM compaction_passes WHERE seq > ?", seq);
  }

  /** Stores `pass`, replacing any not yet committed from `pass.seq` on; forgets
   * applied passes past the last `passesKept`. */
  savePass(pass: NumberedPass, appliedSeq: number): void {
    this.sql.exec("DELETE FROM compaction_passes WHERE seq >= ?", pass.seq);
    this.sql.exec(
      "INSERT INTO compaction_passes (seq, leader_epoch, end_offset, now_ms, delete_retention_ms) VALUES (?, ?, ?, ?, ?)",
      pass.seq,
      pass.leaderEpoch,
      pass.endOffset,
      pass.nowMs,
      pass.deleteRetentionMs,
    );
    this.sql.exec("DELETE FROM compaction_passes WHERE seq <= ?", Math.min(pass.seq - this.passesKept, appliedSeq));
  }

  /** Rows holding offsets in [from, end), in order (the first may start below
   * `from`: a follower holds rows of the leader's merged across a pass's end): at most
   * maxRows, and past maxBytes only for the first. */
  rows(from: number, end: number, maxRows: number, maxBytes: number): StoredRow[] {
    // The row before `from`, its end checked here: a WHERE on last_offset would scan
    // every older row when none holds `from` (the usual case).
    const before = this.sql
      .exec<{ base: number; last: number }>(
        "SELECT base_offset AS base, last_offset AS last FROM batches WHERE base_offset < ? ORDER BY base_offset DESC LIMIT 1",
        from,
      )
      .toArray()[0];
    const cursor = this.sql.exec<{
      base_offset: number;
      last_offset: number;
      max_timestamp: number;
      size_bytes: number;
      leader_epoch: number;
      producer_id: number | null;
      payload: ArrayBuffer;
    }>(
      `SELECT base_offset, last_offset, max_timestamp, size_bytes, leader_epoch, producer_id, payload FROM batches
       WHERE base_offset >= ? AND base_offset < ? ORDER BY base_offset LIMIT ?`,
      before && before.last >= from ? before.base : from,
      end,
      maxRows,
    );
    const rows: StoredRow[] = [];
    let bytes = 0;
    for (const r of cursor) {
      if (rows.length > 0 && bytes + r.size_bytes > maxBytes) break;
      bytes += r.size_bytes;
      rows.push({
        baseOffset: r.base_offset,
        lastOffset: r.last_offset,
        maxTimestamp: r.max_timestamp,
        sizeBytes: r.size_bytes,
        leaderEpoch: r.leader_epoch,
        producerId: r.producer_id,
        payload: new Uint8Array(r.payload),
      });
    }
    return rows;
  }

  /** Compaction's rewrites, each of a row that keeps its base offset and, when it
   * absorbs the rows after it, takes their end (a merge). Returns the rows written
   * (updated or deleted) and the change in stored bytes. */
  rewriteRows(rewrites: readonly RowRewrite[]): { rowsWritten: number; bytesDelta: number } {
    let rowsWritten = 0;
    let bytesDelta = 0;
    for (const { baseOffset, oldBytes, payload, merge } of rewrites) {
      for (const absorbed of merge?.absorbed ?? []) {
        const sql = "DELETE FROM batches WHERE base_offset = ? AND size_bytes = ? AND producer_id IS NULL";
        const deleted = this.sql.exec(sql, absorbed.baseOffset, absorbed.oldBytes).rowsWritten;
        invariant(deleted === 1, `a merged row at ${absorbed.baseOffset} of ${absorbed.oldBytes} bytes is stored`);
        bytesDelta -= absorbed.oldBytes;
        rowsWritten += deleted;
      }
      const written = merge
        ? this.sql.exec(
            `UPDATE batches SET payload = ?, size_bytes = ?, last_offset = ?, max_timestamp = ?, producer_id = NULL,
               producer_epoch = NULL, base_sequence = NULL WHERE base_offset = ? AND size_bytes = ?`,
            payload,
            payload.length,
            merge.lastOffset,
            merge.maxTimestamp,
            baseOffset,
            oldBytes,
          ).rowsWritten
        : this.sql.exec(
            "UPDATE batches SET payload = ?, size_bytes = ? WHERE base_offset = ? AND size_bytes = ?",
            payload,
            payload.length,
            baseOffset,
            oldBytes,
          ).rowsWritten;
      invariant(written === 1, `a compacted row at ${baseOffset} of ${oldBytes} bytes is stored`);
      bytesDelta += payload.length - oldBytes;
      rowsWritten += written;
    }
    return { rowsWritten, bytesDelta };
  }

  /** Stored bytes of the rows with base offset at or past `offset`. */
  bytesFrom(offset: number): number {
    const sql = "SELECT SUM(size_bytes) AS bytes FROM batches WHERE base_offset >= ?";
    return this.sql.exec<{ bytes: number | null }>(sql, offset).one().bytes ?? 0;
  }

  /** The oldest record timestamp of the first row at or past `offset` (when the oldest
   * dirty record passes maxCompactionLagMs); null when there is no such row. */
  firstRowTimestamp(offset: number): number | null {
    const sql = "SELECT payload FROM batches WHERE base_offset >= ? ORDER BY base_offset LIMIT 1";
    const row = this.sql.exec<{ payload: ArrayBuffer }>(sql, offset).toArray()[0];
    if (!row) return null;
    const { records } = decodeBatch(new Uint8Array(row.payload));
    return records.length === 0 ? null : Math.min(...records.map((r) => r.timestamp));
  }
}

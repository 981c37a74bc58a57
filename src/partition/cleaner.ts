// Log compaction as pure functions over stored rows, so every replica that applies the
// same pass to the same bytes writes the same bytes (Kafka's LogCleaner, per row).
// A pass has an end offset (a row boundary at or below the highWatermark, below the
// first row with a record younger than minCompactionLagMs), a time and the
// deleteRetentionMs it uses. Within [logStartOffset, endOffset) a record goes when a
// later record of its key is in the pass's dirty section [cleanedUpTo, endOffset),
// and a tombstone goes once the horizon its row got when first cleaned has passed.
// Rows keep their offsets; what survives is rewritten in version 2 (compacted-batch.ts).

import { invariant } from "../common/invariant.js";
import { encodeCompactedBatch, type OffsetRecord } from "../protocol/compacted-batch.js";
import { decodeBatch, recordOffset } from "../protocol/record-codec.js";

export interface CleanerRow {
  baseOffset: number;
  lastOffset: number;
  payload: Uint8Array;
}

export interface CompactionPass {
  /** Records at or past this offset are not touched; a row boundary. */
  endOffset: number;
  /** The time tombstone horizons are set from and compared with. */
  nowMs: number;
  deleteRetentionMs: number;
}

/** A key as a map key: one char per byte, so binary keys never collide. */
export function keyText(key: Uint8Array): string {
  let text = "";
  for (let i = 0; i < key.length; i += 4096) {
    text += String.fromCharCode(...key.subarray(i, i + 4096));
  }
  return text;
}

/** Records each key's offset in `row` below endOffset into `lastOffsets` (rows come in
 * offset order, so the last one written is the last of its key). */
export function addLastOffsets(lastOffsets: Map<string, number>, row: CleanerRow, endOffset: number): void {
  const decoded = decodeBatch(row.payload);
  decoded.records.forEach((record, i) => {
    const offset = recordOffset(decoded, row.baseOffset, i);
    if (record.key !== null && offset < endOffset) lastOffsets.set(keyText(record.key), offset);
  });
}

export interface CleanedRow {
  /** The rewritten row; null when the pass changes nothing in it. */
  payload: Uint8Array | null;
  recordsRemoved: number;
  bytesRemoved: number;
  /** The horizon of the tombstones it still holds; -1 when none. */
  deleteHorizonMs: number;
}

/** The row as `pass` leaves it. Its records at or past the pass's end stay as they
 * are: a follower may hold a row the leader merged across the end of a pass it has not
 * applied yet (row-merge.ts). */
export function cleanRow(row: CleanerRow, lastOffsets: ReadonlyMap<string, number>, pass: CompactionPass): CleanedRow {
  invariant(
    row.baseOffset < pass.endOffset,
    `row ${row.baseOffset}..${row.lastOffset} starts below the pass end ${pass.endOffset}`,
  );
  const decoded = decodeBatch(row.payload);
  const horizon = decoded.deleteHorizonMs;
  const kept: OffsetRecord[] = [];
  let tombstones = 0;
  decoded.records.forEach((record, i) => {
    const offset = recordOffset(decoded, row.baseOffset, i);
    invariant(offset <= row.lastOffset, `a record at ${offset} in row ${row.baseOffset}..${row.lastOffset}`);
    const cleaned = offset < pass.endOffset;
    const superseded = cleaned && record.key !== null && (lastOffsets.get(keyText(record.key)) ?? offset) > offset;
    const expired = cleaned && record.value === null && horizon >= 0 && pass.nowMs > horizon;
    if (superseded || expired) return;
    if (record.value === null) tombstones++;
    kept.push({ offsetDelta: offset - row.baseOffset, record });
  });
  // A tombstone stays readable for deleteRetentionMs from the first pass that kept it.
  const deleteHorizonMs = tombstones === 0 ? -1 : horizon >= 0 ? horizon : pass.nowMs + pass.deleteRetentionMs;
  const recordsRemoved = decoded.records.length - kept.length;
  const unchanged = recordsRemoved === 0 && (decoded.offsetDeltas ? deleteHorizonMs === horizon : tombstones === 0);
  if (unchanged) return { payload: null, recordsRemoved: 0, bytesRemoved: 0, deleteHorizonMs };
  const payload = encodeCompactedBatch(decoded.format, kept, deleteHorizonMs);
  return { payload, recordsRemoved, bytesRemoved: row.payload.length - payload.length, deleteHorizonMs };
}

/** A stored row as the pass chooser sees it (no payload). */
export interface RowSummary {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
}

/** Where a pass may end, scanning rows in offset order from the cleaning point: past
 * every row that is committed (below the highWatermark) and whose every record is at
 * least minCompactionLagMs old, up to the first that is not. */
export function cleanableEnd(
  rows: Iterable<RowSummary>,
  from: number,
  highWatermark: number,
  nowMs: number,
  minCompactionLagMs: number,
): number {
  let end = from;
  for (const row of rows) {
    if (row.lastOffset >= highWatermark || row.maxTimestamp > nowMs - minCompactionLagMs) break;
    end = row.lastOffset + 1;
  }
  return end;
}

export interface DirtyState {
  /** Stored bytes at or past the cleaning point, and in the whole log. */
  dirtyBytes: number;
  totalBytes: number;
  /** The oldest timestamp of a dirty record; null when nothing is dirty. */
  oldestDirtyTimestampMs: number | null;
  /** The earliest horizon of a tombstone still stored; -1 when none. */
  nextDeleteHorizonMs: number;
}

export interface CompactionTriggers {
  minCleanableDirtyRatio: number;
  /** -1: unbounded. */
  maxCompactionLagMs: number;
}

/** Whether a pass is due now: the dirty ratio reached minCleanableDirtyRatio, a dirty
 * record is older than maxCompactionLagMs, or a tombstone's horizon has passed. */
export function compactionDue(state: DirtyState, triggers: CompactionTriggers, nowMs: number): boolean {
  if (state.nextDeleteHorizonMs >= 0 && nowMs > state.nextDeleteHorizonMs) return true;
  if (state.dirtyBytes === 0 || state.oldestDirtyTimestampMs === null) return false;
  if (state.dirtyBytes / state.totalBytes >= triggers.minCleanableDirtyRatio) return true;
  return triggers.maxCompactionLagMs >= 0 && nowMs - state.oldestDirtyTimestampMs > triggers.maxCompactionLagMs;
}

/** The dirty ratio of /metrics: dirty bytes over stored bytes (0 for an empty log). */
export function dirtyRatio(state: Pick<DirtyState, "dirtyBytes" | "totalBytes">): number {
  return state.totalBytes === 0 ? 0 : state.dirtyBytes / state.totalBytes;
}

/** When a pass is due: `nowMs` if it is due now, else the first time maxCompactionLagMs
 * or a tombstone's horizon makes it due; null when only more writes can. */
export function compactionDueAtMs(state: DirtyState, triggers: CompactionTriggers, nowMs: number): number | null {
  if (compactionDue(state, triggers, nowMs)) return nowMs;
  const byLag =
    triggers.maxCompactionLagMs >= 0 && state.oldestDirtyTimestampMs !== null
      ? state.oldestDirtyTimestampMs + triggers.maxCompactionLagMs + 1
      : null;
  const byHorizon = state.nextDeleteHorizonMs >= 0 ? state.nextDeleteHorizonMs + 1 : null;
  if (byLag === null) return byHorizon;
  return byHorizon === null ? byLag : Math.min(byLag, byHorizon);
}

// Compaction's row rewrites: each cleaned row gets its new payload, and runs of small
// rows that cleaning left (a compacted log would otherwise keep one row per produce
// batch ever appended) become one row, as Kafka's cleaner groups small segments. A
// merged row keeps the first's base offset and takes the last's end, so every offset
// still belongs to a row.

import { mergeCompactedRows } from "../protocol/compacted-batch.js";
import type { CleanedRow, CleanerRow, RowSummary } from "./cleaner.js";

/** A stored row as a compaction step reads it. */
export type StoredRow = CleanerRow & RowSummary & { sizeBytes: number; leaderEpoch: number; producerId: number | null };

/** A stored row compaction rewrites (compaction-store.ts writes it). */
export interface RowRewrite {
  baseOffset: number;
  /** Its stored size before: a rewrite of a row that changed meanwhile fails. */
  oldBytes: number;
  payload: Uint8Array;
  /** Set when it absorbs the rows after it: its new end, its newest timestamp, and the
   * rows absorbed (deleted). */
  merge?: { lastOffset: number; maxTimestamp: number; absorbed: { baseOffset: number; oldBytes: number }[] };
}

/** A row as cleaning left it, and whether it may be merged at all. */
export interface CleanedStoredRow {
  row: StoredRow;
  cleaned: CleanedRow;
  /** See mayMerge. */
  mergeable: boolean;
}

/** Whether a cleaned row may be merged: it holds no tombstone (whose horizon is the
 * row's), lies wholly below the pass's end, and is no batch an idempotent producer's
 * state is rebuilt from (Kafka keeps each producer's last batches too). */
export function mayMerge(
  row: StoredRow,
  cleaned: CleanedRow,
  endOffset: number,
  remembered: (producerId: number, baseOffset: number) => boolean,
): boolean {
  if (cleaned.deleteHorizonMs >= 0 || row.lastOffset >= endOffset) return false;
  return row.producerId === null || !remembered(row.producerId, row.baseOffset);
}

/** Offset deltas of a version 2 row are u32. */
const MAX_ROW_SPAN = 2 ** 31;

/** The rewrites of one step's cleaned rows (adjacent, in offset order): runs of
 * mergeable rows of one leader epoch and format, each under half of maxMergedRowBytes
 * and together at most it, become one row; any other row that cleaning changed is
 * rewritten alone. */
export function planRewrites(rows: readonly CleanedStoredRow[], maxMergedRowBytes: number): RowRewrite[] {
  const rewrites: RowRewrite[] = [];
  let run: CleanedStoredRow[] = [];
  let runBytes = 0;
  const flush = () => {
    if (run.length === 1) rewrites.push(...alone(run[0]!));
    else if (run.length > 1) rewrites.push(merged(run));
    run = [];
    runBytes = 0;
  };
  for (const entry of rows) {
    const bytes = payloadOf(entry).length;
    const candidate = entry.mergeable && bytes < maxMergedRowBytes / 2;
    if (!candidate) {
      flush();
      rewrites.push(...alone(entry));
      continue;
    }
    const first = run[0];
    const joins =
      first !== undefined &&
      first.row.leaderEpoch === entry.row.leaderEpoch &&
      formatOf(first) === formatOf(entry) &&
      runBytes + bytes <= maxMergedRowBytes &&
      entry.row.lastOffset - first.row.baseOffset < MAX_ROW_SPAN;
    if (!joins) flush();
    run.push(entry);
    runBytes += bytes;
  }
  flush();
  return rewrites;
}

function alone({ row, cleaned }: CleanedStoredRow): RowRewrite[] {
  return cleaned.payload ? [{ baseOffset: row.baseOffset, oldBytes: row.sizeBytes, payload: cleaned.payload }] : [];
}

function merged(run: readonly CleanedStoredRow[]): RowRewrite {
  const first = run[0]!.row;
  const last = run.at(-1)!.row;
  return {
    baseOffset: first.baseOffset,
    oldBytes: first.sizeBytes,
    payload: mergeCompactedRows(run.map((entry) => ({ baseOffset: entry.row.baseOffset, payload: payloadOf(entry) }))),
    merge: {
      lastOffset: last.lastOffset,
      maxTimestamp: Math.max(...run.map((entry) => entry.row.maxTimestamp)),
      absorbed: run.slice(1).map(({ row }) => ({ baseOffset: row.baseOffset, oldBytes: row.sizeBytes })),
    },
  };
}

const payloadOf = (entry: CleanedStoredRow): Uint8Array => entry.cleaned.payload ?? entry.row.payload;

/** The record format byte, the same place in both row versions (record-codec.ts). */
const formatOf = (entry: CleanedStoredRow): number => payloadOf(entry)[1]!;

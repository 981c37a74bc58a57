import { describe, expect, it } from "vitest";
import {
  addLastOffsets,
  type CleanerRow,
  type CompactionPass,
  cleanableEnd,
  cleanRow,
  compactionDue,
  compactionDueAtMs,
  keyText,
} from "../../src/partition/cleaner.js";
import { planRewrites } from "../../src/partition/row-merge.js";
import { decodeBatch, encodeBatch, type ProduceRecord, recordOffset } from "../../src/protocol/record-codec.js";
import { seededRandom } from "../random.js";

const utf8 = new TextEncoder();
const text = new TextDecoder();

interface Written {
  offset: number;
  key: string;
  value: string | null;
  timestamp: number;
}

interface Row extends CleanerRow {
  maxTimestamp: number;
}

/** A random log: keys from a small set, some tombstones, timestamps that mostly grow
 * (producers may set older ones), split into rows of 1..8 records. */
function randomLog(seed: number) {
  const random = seededRandom(seed);
  const keyCount = 1 + random.int(12);
  const written: Written[] = [];
  let now = 1_000_000;
  const count = 1 + random.int(120);
  for (let offset = 0; offset < count; offset++) {
    now += random.int(2_000);
    const timestamp = random.next() < 0.1 ? now - random.int(5_000) : now;
    const value = random.next() < 0.2 ? null : `v${offset}`;
    written.push({ offset, key: `k${random.int(keyCount)}`, value, timestamp });
  }
  const rows: Row[] = [];
  for (let at = 0; at < written.length; ) {
    const size = Math.min(1 + random.int(8), written.length - at);
    const records: ProduceRecord[] = written.slice(at, at + size).map((w) => ({
      key: utf8.encode(w.key),
      value: w.value === null ? null : utf8.encode(JSON.stringify(w.value)),
      headers: [],
      timestamp: w.timestamp,
    }));
    rows.push({
      baseOffset: at,
      lastOffset: at + size - 1,
      maxTimestamp: Math.max(...written.slice(at, at + size).map((w) => w.timestamp)),
      payload: encodeBatch(records, "json"),
    });
    at += size;
  }
  return { random, written, rows, endMs: now };
}

/** One pass as the compaction task runs it: the map over the rows holding the dirty
 * section, then every row starting below the end cleaned against it. */
function runPass(rows: Row[], cleanedUpTo: number, pass: CompactionPass): Row[] {
  const lastOffsets = new Map<string, number>();
  for (const row of rows)
    if (row.lastOffset >= cleanedUpTo && row.baseOffset < pass.endOffset)
      addLastOffsets(lastOffsets, row, pass.endOffset);
  return rows.map((row) => {
    if (row.baseOffset >= pass.endOffset) return row;
    const cleaned = cleanRow(row, lastOffsets, pass);
    return cleaned.payload ? { ...row, payload: cleaned.payload } : row;
  });
}

/** The rows below `endOffset` that hold no tombstone merged as a step merges them
 * (row-merge.ts), with a small row bound so that runs of several form. */
function mergeRows(rows: Row[], endOffset: number): Row[] {
  const entries = rows.map((row) => {
    const decoded = decodeBatch(row.payload);
    const tombstones = decoded.records.some((r) => r.value === null);
    const cleaned = { payload: null, recordsRemoved: 0, bytesRemoved: 0, deleteHorizonMs: tombstones ? 1 : -1 };
    const stored = { ...row, sizeBytes: row.payload.length, leaderEpoch: 0, producerId: null };
    return { row: stored, cleaned, mergeable: !tombstones && row.lastOffset < endOffset };
  });
  const merged = new Map(rows.map((row) => [row.baseOffset, row]));
  for (const rewrite of planRewrites(entries, 400)) {
    const row = merged.get(rewrite.baseOffset)!;
    merged.set(rewrite.baseOffset, {
      ...row,
      payload: rewrite.payload,
      lastOffset: rewrite.merge?.lastOffset ?? row.lastOffset,
      maxTimestamp: rewrite.merge?.maxTimestamp ?? row.maxTimestamp,
    });
    for (const absorbed of rewrite.merge?.absorbed ?? []) merged.delete(absorbed.baseOffset);
  }
  return [...merged.values()];
}

function readAll(rows: readonly Row[]): Written[] {
  return rows.flatMap((row) => {
    const decoded = decodeBatch(row.payload);
    return decoded.records.map((r, i) => ({
      offset: recordOffset(decoded, row.baseOffset, i),
      key: text.decode(r.key!),
      value: r.value === null ? null : (JSON.parse(text.decode(r.value)) as string),
      timestamp: r.timestamp,
    }));
  });
}

describe("the cleaner against a model", () => {
  it("keeps the last record of every key below the pass end, order and offsets, and tombstones for deleteRetentionMs", () => {
    let cases = 0;
    let removed = 0;
    let merges = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const { random, written, rows: initial, endMs } = randomLog(seed);
      const minLagMs = random.pick([0, 0, 1_000, 20_000]);
      const deleteRetentionMs = random.pick([0, 5_000, 60_000]);
      const highWatermark = random.next() < 0.3 ? written.length - random.int(written.length) : written.length;
      let rows = initial;
      // The same passes with the rows merged after each (a replica that merges).
      let mergedRows = initial;
      let cleanedUpTo = 0;
      const passes: CompactionPass[] = [];
      let nowMs = endMs;
      for (let p = 0, n = 1 + random.int(4); p < n; p++) {
        nowMs += random.int(40_000);
        const endOffset = cleanableEnd(rows, cleanedUpTo, highWatermark, nowMs, minLagMs);
        // The chooser: every row below the end is committed and old enough; the next is not.
        for (const row of rows) {
          if (row.lastOffset < endOffset) {
            expect(row.lastOffset < highWatermark && row.maxTimestamp <= nowMs - minLagMs).toBe(true);
          }
        }
        const next = rows.find((r) => r.baseOffset === endOffset);
        if (next) expect(next.lastOffset >= highWatermark || next.maxTimestamp > nowMs - minLagMs).toBe(true);
        const pass = { endOffset: Math.max(endOffset, cleanedUpTo), nowMs, deleteRetentionMs };
        const before = readAll(rows);
        rows = runPass(rows, cleanedUpTo, pass);
        // Applying the same pass again changes nothing: replicas that repeat a pass agree.
        expect(readAll(runPass(rows, cleanedUpTo, pass))).toEqual(readAll(rows));
        for (const gone of before.filter((b) => !readAll(rows).some((r) => r.offset === b.offset))) {
          expect(gone.offset).toBeLessThan(pass.endOffset);
        }
        mergedRows = mergeRows(runPass(mergedRows, cleanedUpTo, pass), pass.endOffset);
        expect(readAll(mergedRows)).toEqual(readAll(rows));
        expect(mergedRows.slice(1).map((r) => r.baseOffset)).toEqual(
          mergedRows.slice(0, -1).map((r) => r.lastOffset + 1),
        );
        passes.push(pass);
        cleanedUpTo = pass.endOffset;
      }
      const got = readAll(rows);
      const expected = model(written, initial, passes);
      // A follower handed rows the leader already cleaned, that then applies every pass
      // in order, ends with the same records.
      let replayed = rows;
      passes.forEach((pass, i) => {
        replayed = runPass(replayed, i === 0 ? 0 : passes[i - 1]!.endOffset, pass);
      });
      expect(readAll(replayed)).toEqual(got);
      // So does one handed the merging replica's rows, which may span the ends of
      // passes it has not applied yet.
      let replayedMerged = mergedRows;
      passes.forEach((pass, i) => {
        replayedMerged = runPass(replayedMerged, i === 0 ? 0 : passes[i - 1]!.endOffset, pass);
      });
      expect(readAll(replayedMerged)).toEqual(got);
      expect(got, `seed ${seed}`).toEqual(expected);
      for (let i = 1; i < got.length; i++) expect(got[i]!.offset).toBeGreaterThan(got[i - 1]!.offset);
      // No live key lost: every key's final value below the end is there.
      const end = passes.at(-1)!.endOffset;
      for (const key of new Set(written.map((w) => w.key))) {
        const last = written.filter((w) => w.key === key && w.offset < end).at(-1);
        if (last && last.value !== null) expect(got).toContainEqual(last);
      }
      for (const row of rows)
        expect(row.baseOffset).toBe(initial.find((r) => r.baseOffset === row.baseOffset)!.baseOffset);
      merges += initial.length - mergedRows.length;
      cases++;
      removed += written.length - got.length;
    }
    expect(cases).toBe(400);
    expect(removed).toBeGreaterThan(0);
    expect(merges).toBeGreaterThan(0);
  });

  it("decides when a pass is due: dirty ratio, maxCompactionLagMs, an expired tombstone", () => {
    const triggers = { minCleanableDirtyRatio: 0.5, maxCompactionLagMs: -1 };
    const state = { dirtyBytes: 40, totalBytes: 100, oldestDirtyTimestampMs: 1_000, nextDeleteHorizonMs: -1 };
    expect(compactionDue(state, triggers, 5_000)).toBe(false);
    expect(compactionDue({ ...state, dirtyBytes: 50 }, triggers, 5_000)).toBe(true);
    expect(compactionDue(state, { ...triggers, maxCompactionLagMs: 4_000 }, 5_000)).toBe(false);
    expect(compactionDue(state, { ...triggers, maxCompactionLagMs: 3_999 }, 5_000)).toBe(true);
    expect(compactionDue({ ...state, nextDeleteHorizonMs: 5_000 }, triggers, 5_000)).toBe(false);
    expect(compactionDue({ ...state, nextDeleteHorizonMs: 4_999 }, triggers, 5_000)).toBe(true);
    expect(compactionDue({ ...state, dirtyBytes: 0, oldestDirtyTimestampMs: null }, triggers, 5_000)).toBe(false);
    // And when: now if due, else the first time the lag or a tombstone horizon makes it so.
    expect(compactionDueAtMs({ ...state, dirtyBytes: 50 }, triggers, 5_000)).toBe(5_000);
    expect(compactionDueAtMs(state, triggers, 5_000)).toBeNull();
    expect(compactionDueAtMs(state, { ...triggers, maxCompactionLagMs: 4_000 }, 5_000)).toBe(5_001);
    expect(compactionDueAtMs({ ...state, nextDeleteHorizonMs: 6_000 }, triggers, 5_000)).toBe(6_001);
    const both = { ...state, nextDeleteHorizonMs: 5_500 };
    expect(compactionDueAtMs(both, { ...triggers, maxCompactionLagMs: 4_000 }, 5_000)).toBe(5_001);
  });

  it("tells binary keys apart", () => {
    expect(keyText(new Uint8Array([0xff, 0x00]))).not.toBe(keyText(new Uint8Array([0xfd, 0x00])));
    expect(keyText(new Uint8Array(10_000).fill(7)).length).toBe(10_000);
  });

  it("cleans 4 MiB of rows in well under 50 ms (the step bound)", () => {
    const records: ProduceRecord[] = Array.from({ length: 100 }, (_, i) => ({
      key: utf8.encode(`customer-${i % 10}`),
      value: utf8.encode(JSON.stringify({ n: i, pad: "x".repeat(380) })),
      headers: [],
      timestamp: 1,
    }));
    const rows: Row[] = Array.from({ length: 100 }, (_, r) => ({
      baseOffset: r * 100,
      lastOffset: r * 100 + 99,
      maxTimestamp: 1,
      payload: encodeBatch(records, "json"),
    }));
    const bytes = rows.reduce((n, r) => n + r.payload.length, 0);
    const started = performance.now();
    const cleaned = runPass(rows, 0, { endOffset: 10_000, nowMs: 10, deleteRetentionMs: 0 });
    const ms = (performance.now() - started) * ((4 << 20) / bytes);
    console.log(
      `cleaner: ${(bytes / 1024).toFixed(0)} KiB in ${(performance.now() - started).toFixed(1)} ms; 4 MiB ≈ ${ms.toFixed(1)} ms`,
    );
    expect(readAll(cleaned)).toHaveLength(10);
    expect(ms).toBeLessThan(200);
  });
});

/** What the log holds after `passes`, worked out from what was written: below the last
 * pass end, the last record of each key (a tombstone until the first pass after its
 * horizon, the horizon being set by the first pass past its row); the rest as written. */
function model(written: readonly Written[], rows: readonly Row[], passes: readonly CompactionPass[]): Written[] {
  const end = passes.at(-1)?.endOffset ?? 0;
  const lastOf = new Map<string, number>();
  for (const w of written) if (w.offset < end) lastOf.set(w.key, w.offset);
  return written.filter((w) => {
    if (w.offset >= end) return true;
    if (lastOf.get(w.key) !== w.offset) return false;
    if (w.value !== null) return true;
    const row = rows.find((r) => r.baseOffset <= w.offset && w.offset <= r.lastOffset)!;
    const first = passes.findIndex((p) => p.endOffset > row.lastOffset);
    const horizon = passes[first]!.nowMs + passes[first]!.deleteRetentionMs;
    return !passes.slice(first + 1).some((p) => p.nowMs > horizon);
  });
}

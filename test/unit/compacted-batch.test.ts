import { describe, expect, it } from "vitest";
import { renderRecords } from "../../src/partition/log-read.js";
import { encodeCompactedBatch, mergeCompactedRows, sliceCompactedRow } from "../../src/protocol/compacted-batch.js";
import { decodeBatch, encodeBatch, recordOffset, type StoredRecord } from "../../src/protocol/record-codec.js";

const utf8 = new TextEncoder();
const record = (key: string, value: unknown, timestamp = 1): StoredRecord => ({
  timestamp,
  key: utf8.encode(key),
  value: value === null ? null : utf8.encode(JSON.stringify(value)),
  headers: [[utf8.encode("h"), utf8.encode(key)]],
});
const limits = { maxRecords: 100, maxBytes: 1 << 20, encoding: "json" as const };
const offsetsOf = (records: Uint8Array) =>
  (JSON.parse(new TextDecoder().decode(records)) as { offset: number }[]).map((r) => r.offset);

describe("compacted rows (version 2)", () => {
  it("carry each record's offset and the delete horizon, and decode to the records given", () => {
    const kept = [record("a", 1, 10), record("b", null, 11), record("c", { x: 2 }, 12)];
    const payload = encodeCompactedBatch(
      "json",
      kept.map((r, i) => ({ offsetDelta: [0, 4, 9][i]!, record: r })),
      5_000,
    );
    const decoded = decodeBatch(payload);
    expect(decoded.offsetDeltas).toEqual([0, 4, 9]);
    expect(decoded.deleteHorizonMs).toBe(5_000);
    expect(decoded.records).toEqual(kept);
    expect([0, 1, 2].map((i) => recordOffset(decoded, 100, i))).toEqual([100, 104, 109]);
    const empty = decodeBatch(encodeCompactedBatch("binary", [], -1));
    expect([empty.format, empty.records, empty.offsetDeltas]).toEqual(["binary", [], []]);
    expect(() =>
      encodeCompactedBatch(
        "json",
        [
          { offsetDelta: 3, record: kept[0]! },
          { offsetDelta: 3, record: kept[1]! },
        ],
        -1,
      ),
    ).toThrow(/offset deltas increase/);
    expect(decodeBatch(encodeBatch(kept, "json")).offsetDeltas).toBeNull();
  });

  it("reads skip the gaps: nextOffset passes a row read whole, offsets come from the row", () => {
    const rows = [
      {
        baseOffset: 0,
        lastOffset: 3,
        payload: encodeBatch([record("a", 0), record("b", 1), record("c", 2), record("d", 3)], "json"),
      },
      {
        baseOffset: 4,
        lastOffset: 9,
        payload: encodeCompactedBatch("json", [{ offsetDelta: 2, record: record("a", 6) }], -1),
      },
      { baseOffset: 10, lastOffset: 12, payload: encodeCompactedBatch("json", [], -1) },
      { baseOffset: 13, lastOffset: 14, payload: encodeBatch([record("e", 13), record("f", 14)], "json") },
    ];
    const all = renderRecords(rows, 0, 15, limits);
    expect(offsetsOf(all.records)).toEqual([0, 1, 2, 3, 6, 13, 14]);
    expect(all.nextOffset).toBe(15);
    const inGap = renderRecords(rows.slice(1), 5, 15, limits);
    expect(offsetsOf(inGap.records)).toEqual([6, 13, 14]);
    const afterGap = renderRecords(rows.slice(1), 7, 13, limits);
    expect([afterGap.recordCount, afterGap.nextOffset]).toEqual([0, 13]);
    const bounded = renderRecords(rows, 3, 15, { ...limits, maxRecords: 2 });
    expect([offsetsOf(bounded.records), bounded.nextOffset]).toEqual([[3, 6], 13]);
    // The highWatermark inside a row: nothing past it, and nextOffset stays below it.
    const belowEnd = renderRecords(rows.slice(1), 4, 8, limits);
    expect([offsetsOf(belowEnd.records), belowEnd.nextOffset]).toEqual([[6], 7]);
  });

  it("merge adjacent rows into one at the first's base, and split one from an offset inside it", () => {
    const rows = [
      { baseOffset: 10, payload: encodeBatch([record("a", 10), record("b", 11)], "json") },
      { baseOffset: 12, payload: encodeCompactedBatch("json", [{ offsetDelta: 3, record: record("c", 15) }], -1) },
      { baseOffset: 18, payload: encodeCompactedBatch("json", [], -1) },
      { baseOffset: 20, payload: encodeBatch([record("d", 20)], "json") },
    ];
    const merged = { baseOffset: 10, payload: mergeCompactedRows(rows) };
    const decoded = decodeBatch(merged.payload);
    expect(decoded.records.map((_, i) => recordOffset(decoded, 10, i))).toEqual([10, 11, 15, 20]);
    expect(decoded.records.map((r) => new TextDecoder().decode(r.key!))).toEqual(["a", "b", "c", "d"]);
    expect(offsetsOf(renderRecords([{ ...merged, lastOffset: 20 }], 12, 21, limits).records)).toEqual([15, 20]);
    const tombstone = encodeCompactedBatch("json", [{ offsetDelta: 0, record: record("e", null) }], 9_000);
    expect(() => mergeCompactedRows([...rows, { baseOffset: 21, payload: tombstone }])).toThrow(/tombstone horizon/);
    const binary = encodeBatch([record("f", 22)], "binary");
    expect(() => mergeCompactedRows([...rows, { baseOffset: 22, payload: binary }])).toThrow(/share a format/);
    // From offset 12 (in a gap): the records at 15 and 20, based at 12.
    const slice = decodeBatch(sliceCompactedRow(merged, 12));
    expect(slice.records.map((_, i) => recordOffset(slice, 12, i))).toEqual([15, 20]);
    expect(decodeBatch(sliceCompactedRow({ baseOffset: 21, payload: tombstone }, 21)).deleteHorizonMs).toBe(9_000);
    expect(decodeBatch(sliceCompactedRow(merged, 21)).records).toEqual([]);
  });
});

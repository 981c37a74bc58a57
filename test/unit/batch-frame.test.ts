import { describe, expect, it } from "vitest";
import { renderRecords } from "../../src/partition/log-read.js";
import { checkProduceFrame, type FrameLimits } from "../../src/protocol/batch-frame.js";
import { encodeCompactedBatch } from "../../src/protocol/compacted-batch.js";
import { fetchFrame, frameRecords, readFetchFrame } from "../../src/protocol/fetch-frame.js";
import { MalformedFrame } from "../../src/protocol/frame-cursor.js";
import { decodeBatch, encodeBatch, type ProduceRecord, stampBatch } from "../../src/protocol/record-codec.js";

const LIMITS: FrameLimits = { maxRecordsPerRequest: 10, maxRecordBytes: 64, maxHeadersPerRecord: 2 };
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

function record(overrides: Partial<ProduceRecord> = {}): ProduceRecord {
  return { key: bytes("k"), value: Uint8Array.of(0, 255, 7), headers: [], timestamp: null, ...overrides };
}

const frameOf = (...records: ProduceRecord[]) => encodeBatch(records, "binary");

function refusal(frame: Uint8Array, limits = LIMITS): { code: string; message: string } {
  const check = checkProduceFrame(frame, limits);
  if (check.ok) throw new Error("the frame was accepted");
  return check.error;
}

/** A frame whose bytes `edit` changes through a DataView. */
function edited(frame: Uint8Array, edit: (view: DataView) => void): Uint8Array {
  const copy = frame.slice();
  edit(new DataView(copy.buffer));
  return copy;
}

describe("the produce batch frame", () => {
  it("accepts what encodeBatch writes in the binary format, nulls, headers and timestamps included", () => {
    const frame = frameOf(
      record(),
      record({ key: null, value: null }),
      record({ headers: [[bytes("h"), bytes("v")]], timestamp: 1_700_000_000_000 }),
      record({ key: new Uint8Array(0), value: new Uint8Array(0) }),
    );
    expect(checkProduceFrame(frame, LIMITS)).toEqual({ ok: true, recordCount: 4 });
  });

  it("refuses the JSON format, another version, no records and a cut or padded frame with INVALID_REQUEST", () => {
    const frame = frameOf(record(), record());
    const cases = [
      encodeBatch([record()], "json"),
      edited(frame, (v) => v.setUint8(0, 2)),
      edited(frame, (v) => v.setUint32(2, 0, true)),
      edited(frame, (v) => v.setUint32(2, 3, true)),
      frame.subarray(0, frame.length - 1),
      Uint8Array.of(...frame, 0),
      new Uint8Array(0),
      Uint8Array.of(1),
    ];
    for (const bad of cases) expect(refusal(bad).code).toBe("INVALID_REQUEST");
    expect(refusal(edited(frame, (v) => v.setUint32(2, 2_000_000_000, true))).code).toBe("RECORD_LIST_TOO_LARGE");
  });

  it("refuses a field length below -1 or past the end", () => {
    const frame = frameOf(record());
    const keyLengthAt = 6 + 8;
    expect(refusal(edited(frame, (v) => v.setInt32(keyLengthAt, -2, true))).code).toBe("INVALID_REQUEST");
    expect(refusal(edited(frame, (v) => v.setInt32(keyLengthAt, 1_000, true))).code).toBe("INVALID_REQUEST");
  });

  it("refuses a timestamp that is not -1 or a time in ms", () => {
    const timestampAt = 6;
    for (const timestamp of [-2, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 8_640_000_000_000_001]) {
      const bad = edited(frameOf(record()), (v) => v.setFloat64(timestampAt, timestamp, true));
      expect(refusal(bad).message).toContain("timestamp");
    }
  });

  it("holds the record limits of a JSON produce, with the same codes", () => {
    const eleven = Array.from({ length: 11 }, () => record());
    expect(refusal(frameOf(...eleven)).code).toBe("RECORD_LIST_TOO_LARGE");
    expect(refusal(frameOf(record({ value: new Uint8Array(64) }))).code).toBe("MESSAGE_TOO_LARGE");
    expect(checkProduceFrame(frameOf(record({ key: null, value: new Uint8Array(64) })), LIMITS).ok).toBe(true);
    const headers: [Uint8Array, Uint8Array][] = [
      [bytes("a"), bytes("1")],
      [bytes("b"), bytes("2")],
      [bytes("c"), bytes("3")],
    ];
    expect(refusal(frameOf(record({ headers }))).code).toBe("INVALID_RECORD");
    expect(refusal(frameOf(record({ headers: [[bytes("a"), new Uint8Array(64)]] }))).code).toBe("MESSAGE_TOO_LARGE");
  });

  it("refuses headers JSON cannot show: an empty, repeated or non-UTF-8 name, a non-UTF-8 value, a null", () => {
    const bad: [Uint8Array, Uint8Array][][] = [
      [[new Uint8Array(0), bytes("v")]],
      [
        [bytes("a"), bytes("1")],
        [bytes("a"), bytes("2")],
      ],
      [[Uint8Array.of(0xff), bytes("v")]],
      [[bytes("a"), Uint8Array.of(0xc3)]],
    ];
    for (const headers of bad) expect(refusal(frameOf(record({ headers }))).code).toBe("INVALID_RECORD");
    const nullValue = frameOf(record({ key: null, value: null, headers: [[bytes("a"), bytes("")]] }));
    const valueLengthAt = nullValue.length - 4;
    expect(refusal(edited(nullValue, (v) => v.setInt32(valueLengthAt, -1, true))).code).toBe("INVALID_RECORD");
  });
});

describe("the fetch frame", () => {
  const stored = (records: ProduceRecord[], nowMs: number) => stampBatch(encodeBatch(records, "binary"), nowMs).payload;
  const batches = [
    {
      baseOffset: 10,
      lastOffset: 11,
      payload: stored([record({ value: bytes("a") }), record({ key: null, value: null })], 5),
    },
    {
      baseOffset: 12,
      lastOffset: 12,
      payload: stored([record({ value: bytes("c"), headers: [[bytes("h"), bytes("v")]] })], 6),
    },
  ];

  it("copies stored records from the fetch offset within maxRecords and maxBytes, and reads back", () => {
    const read = renderRecords(batches, 11, 13, { maxRecords: 10, maxBytes: 100, encoding: "batch" });
    expect(read).toMatchObject({ recordCount: 2, nextOffset: 13, sizeBytes: 1 + 1 + 1 + 1 });
    const response = { ...read, fetchOffset: 11, highWatermark: 13, logStartOffset: 10 };
    const error = { code: "UNKNOWN_TOPIC_OR_PARTITION" as const, message: "gone" };
    const frame = fetchFrame([
      { topic: "t", partition: 3, ok: true, response },
      { topic: "ü", partition: 0, ok: false, error },
    ]);
    const [first, second] = readFetchFrame(frame);
    if (!first?.ok) throw new Error("the first partition has no records");
    expect(first).toMatchObject({ topic: "t", partition: 3, nextOffset: 13, highWatermark: 13, logStartOffset: 10 });
    expect(frameRecords(first).map((r) => [r.offset, r.timestamp, text(r.key), text(r.value)])).toEqual([
      [11, 5, null, null],
      [12, 6, "k", "c"],
    ]);
    expect(frameRecords(first)[1]!.headers.map(([n, v]) => [text(n), text(v)])).toEqual([["h", "v"]]);
    expect(second).toMatchObject({ topic: "ü", partition: 0, ok: false, error });
  });

  it("stops at maxRecords, at maxBytes after the first record, and at the end", () => {
    const form = "batch" as const;
    expect(renderRecords(batches, 10, 13, { maxRecords: 1, maxBytes: 100, encoding: form }).nextOffset).toBe(11);
    expect(renderRecords(batches, 10, 13, { maxRecords: 10, maxBytes: 1, encoding: form }).recordCount).toBe(1);
    expect(renderRecords(batches, 10, 12, { maxRecords: 10, maxBytes: 100, encoding: form }).nextOffset).toBe(12);
    expect(renderRecords(batches, 13, 13, { maxRecords: 10, maxBytes: 100, encoding: form }).recordCount).toBe(0);
  });

  it("refuses a frame that is cut, padded or of another version", () => {
    const read = renderRecords(batches, 10, 13, { maxRecords: 10, maxBytes: 100, encoding: "batch" });
    const frame = fetchFrame([
      {
        topic: "t",
        partition: 0,
        ok: true,
        response: { ...read, fetchOffset: 10, highWatermark: 13, logStartOffset: 0 },
      },
    ]);
    for (const bad of [
      frame.subarray(0, frame.length - 1),
      Uint8Array.of(...frame, 0),
      Uint8Array.of(2, ...frame.subarray(1)),
    ]) {
      expect(() => readFetchFrame(bad)).toThrow(MalformedFrame);
    }
  });

  describe("across a compacted log's gaps", () => {
    // Offsets 20..29: a compacted row keeping 21 and 24, a row compacted empty (25..27),
    // then a dense row of 28 and 29.
    const kept = (offsetDelta: number, value: string) => ({
      offsetDelta,
      record: { ...record({ value: bytes(value) }), timestamp: 100 + offsetDelta },
    });
    const rows = [
      { baseOffset: 20, lastOffset: 24, payload: encodeCompactedBatch("binary", [kept(1, "x"), kept(4, "y")], -1) },
      { baseOffset: 25, lastOffset: 27, payload: encodeCompactedBatch("binary", [], -1) },
      {
        baseOffset: 28,
        lastOffset: 29,
        payload: stored([record({ value: bytes("z") }), record({ value: bytes("w") })], 7),
      },
    ];
    const readAt = (offset: number, end: number, maxRecords = 10) =>
      renderRecords(rows, offset, end, { maxRecords, maxBytes: 1_000, encoding: "batch" });
    const framed = (offset: number, end: number, maxRecords = 10) => {
      const read = readAt(offset, end, maxRecords);
      const response = { ...read, fetchOffset: offset, highWatermark: end, logStartOffset: 20 };
      const [only] = readFetchFrame(fetchFrame([{ topic: "t", partition: 0, ok: true, response }]));
      if (!only?.ok) throw new Error("no records");
      return only;
    };

    it("lists each record's offset, and the JSON read of the same rows agrees", () => {
      const only = framed(20, 30);
      expect(only).toMatchObject({ recordCount: 4, nextOffset: 30, offsets: [21, 24, 28, 29] });
      expect(frameRecords(only).map((r) => [r.offset, text(r.value)])).toEqual([
        [21, "x"],
        [24, "y"],
        [28, "z"],
        [29, "w"],
      ]);
      const json = renderRecords(rows, 20, 30, { maxRecords: 10, maxBytes: 1_000, encoding: "base64" });
      const offsets = (JSON.parse(new TextDecoder().decode(json.records)) as { offset: number }[]).map((r) => r.offset);
      expect([offsets, json.nextOffset]).toEqual([only.offsets, 30]);
    });

    it("passes a gap read whole, stops inside a row at maxRecords, and keeps dense reads dense", () => {
      // Full after 24: the empty row after it is passed too, before the next record.
      expect(framed(22, 30, 1)).toMatchObject({ recordCount: 1, offsets: [24], nextOffset: 28 });
      expect(readAt(22, 30, 1).nextOffset).toBe(
        renderRecords(rows, 22, 30, { maxRecords: 1, maxBytes: 1_000, encoding: "json" }).nextOffset,
      );
      // Nothing kept from 25 to 27: the answer is empty but moves on past the gap.
      expect(framed(25, 28)).toMatchObject({ recordCount: 0, offsets: null, nextOffset: 28 });
      expect(framed(25, 30)).toMatchObject({ recordCount: 2, offsets: [28, 29], nextOffset: 30 });
      expect(framed(28, 30)).toMatchObject({ recordCount: 2, offsets: null, nextOffset: 30 });
      expect(framed(21, 30, 1)).toMatchObject({ recordCount: 1, offsets: null, nextOffset: 22 });
      expect(decodeBatch(rows[1]!.payload).records).toEqual([]);
    });

    it("refuses offsets that do not increase or pass nextOffset", () => {
      const read = readAt(20, 30);
      const response = { ...read, fetchOffset: 20, highWatermark: 30, logStartOffset: 20 };
      const frame = fetchFrame([{ topic: "t", partition: 0, ok: true, response }]);
      const offsetsAt = 1 + 4 + 2 + 1 + 4 + 1 + 36;
      const edit = (i: number, value: number) => {
        const copy = frame.slice();
        new DataView(copy.buffer).setFloat64(offsetsAt + 8 * i, value, true);
        return copy;
      };
      expect(() => readFetchFrame(edit(0, 21))).not.toThrow();
      for (const bad of [edit(1, 21), edit(3, 30), edit(0, 19), edit(2, 28.5)]) {
        expect(() => readFetchFrame(bad)).toThrow(MalformedFrame);
      }
    });
  });
});

import { describe, expect, it } from "vitest";
import { decodeBase64, encodeBase64 } from "../../src/protocol/base64.js";
import {
  decodeBatch,
  encodeBatch,
  headerEntries,
  RecordsJson,
  recordSizeBytes,
  type StoredRecord,
  sliceBatch,
  stampBatch,
} from "../../src/protocol/record-codec.js";
import { Utf8Arena } from "../../src/protocol/utf8-arena.js";

const utf8 = new TextEncoder();

/** One record rendered alone, parsed back. */
function renderRecord(record: StoredRecord, offset: number, format: "json" | "binary", encoding: "json" | "base64") {
  const rendered = new RecordsJson();
  rendered.add(record, offset, format, encoding);
  return JSON.parse(new TextDecoder().decode(rendered.finish()))[0];
}

describe("base64", () => {
  it("round-trips every byte value and sizes around the chunk boundary", () => {
    for (const length of [0, 1, 2, 3, 255, 256, 0x8000, 0x8001, 100_000]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff);
      const text = encodeBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString("base64"));
      expect(decodeBase64(text)).toEqual(bytes);
    }
  });

  it("refuses anything but canonical padded base64", () => {
    for (const bad of ["A", "AB", "ABC", "AB=", "A===", "AB==C", "AB C", "AB-_", "====", "AB==\n"]) {
      expect(decodeBase64(bad), bad).toBeNull();
    }
    expect(decodeBase64("")).toEqual(new Uint8Array());
  });
});

describe("batch codec", () => {
  const records: StoredRecord[] = [
    {
      timestamp: 1_700_000_000_123,
      key: utf8.encode("k1"),
      value: utf8.encode('{"a":1}'),
      headers: headerEntries({ h: "v", ü: "ß" }),
    },
    { timestamp: 0, key: null, value: null, headers: [] },
    { timestamp: 42, key: new Uint8Array(), value: new Uint8Array([0, 1, 255]), headers: [] },
  ];

  it("decodes what it encodes, format included", () => {
    for (const format of ["json", "binary"] as const) {
      const decoded = decodeBatch(encodeBatch(records, format));
      expect(decoded.format).toBe(format);
      expect(decoded.records).toEqual(records);
    }
  });

  it("stamps records without a timestamp with the leader's clock, and slices rows", () => {
    const pending = [{ ...records[0]!, timestamp: null }, records[1]!, records[2]!];
    const stamped = stampBatch(encodeBatch(pending, "json"), 99);
    expect(stamped.timestamps).toEqual([99, 0, 42]);
    expect(stamped.sizeBytes).toBe(records.reduce((n, r) => n + recordSizeBytes(r), 0));
    expect(decodeBatch(stamped.payload).records).toEqual([{ ...records[0]!, timestamp: 99 }, records[1], records[2]]);
    const tail = decodeBatch(sliceBatch(stamped, 1, 3));
    expect(tail).toEqual({ format: "json", records: [records[1], records[2]] });
    expect(() => stampBatch(encodeBatch(pending, "json").subarray(0, 20), 99)).toThrow();
  });

  it("counts a record's size as key + value + header UTF-8 bytes", () => {
    expect(recordSizeBytes(records[0]!)).toBe(2 + 7 + (1 + 1) + (2 + 2));
    expect(recordSizeBytes(records[1]!)).toBe(0);
  });

  it("renders json records with the value spliced in, binary ones as base64", () => {
    expect(renderRecord(records[0]!, 7, "json", "json")).toEqual({
      offset: 7,
      timestamp: 1_700_000_000_123,
      key: "k1",
      value: { a: 1 },
      headers: { h: "v", ü: "ß" },
    });
    expect(renderRecord(records[1]!, 8, "json", "json")).toEqual({
      offset: 8,
      timestamp: 0,
      key: null,
      value: null,
      headers: {},
    });
    expect(renderRecord(records[2]!, 9, "binary", "json")).toEqual({
      offset: 9,
      timestamp: 42,
      key: "",
      value: "AAH/",
      headers: {},
      encoding: "base64",
    });
    expect(renderRecord(records[0]!, 7, "json", "base64")).toMatchObject({
      key: "azE=",
      value: btoa('{"a":1}'),
    });
  });
});

describe("RecordsJson", () => {
  it("renders many records, non-ASCII text and growth past its first buffer included", () => {
    const rendered = new RecordsJson();
    const value = utf8.encode(JSON.stringify("é€😀".repeat(5_000)));
    for (let i = 0; i < 10; i++) {
      rendered.add({ timestamp: i, key: utf8.encode(`ключ${i}`), value, headers: [] }, i, "json", "json");
    }
    const parsed = JSON.parse(new TextDecoder().decode(rendered.finish()));
    expect(parsed).toHaveLength(10);
    expect(parsed[9]).toEqual({ offset: 9, timestamp: 9, key: "ключ9", value: "é€😀".repeat(5_000), headers: {} });
    expect(JSON.parse(new TextDecoder().decode(new RecordsJson().finish()))).toEqual([]);
    for (const key of ['q"uote', "back\\slash", "tab\t", "€ü", "\u2028"]) {
      const one = new RecordsJson();
      one.add({ timestamp: 1, key: utf8.encode(key), value: null, headers: [] }, 0, "json", "json");
      expect(JSON.parse(new TextDecoder().decode(one.finish()))[0].key).toBe(key);
    }
  });
});

describe("Utf8Arena", () => {
  it("encodes as TextEncoder does, across chunk boundaries", () => {
    const arena = new Utf8Arena();
    const texts = ["", "k", "ü€😀", "\ud800", "x".repeat(200_000), "é".repeat(100_000), "tail"];
    const views = texts.map((t) => arena.encode(t));
    expect(views).toEqual(texts.map((t) => utf8.encode(t)));
  });

  it("encodes all-ASCII text only", () => {
    const arena = new Utf8Arena();
    expect(arena.encodeAscii("k1x")).toEqual(utf8.encode("k1x"));
    expect(arena.encodeAscii("kü")).toBeNull();
  });
});

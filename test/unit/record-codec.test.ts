import { describe, expect, it } from "vitest";
import { decodeBase64, encodeBase64 } from "../../src/protocol/base64.js";
import { encodeCompactedBatch } from "../../src/protocol/compacted-batch.js";
import {
  type FetchedAnswer,
  type FetchedRecords,
  groupFetchBody,
  multiFetchBody,
  partitionFetchBody,
  recordEvents,
} from "../../src/protocol/fetched-records.js";
import {
  changedNumber,
  checkExactNesting,
  MAX_EXACT_NESTING,
  mayChangeNumbers,
  nestingDepth,
} from "../../src/protocol/json-numbers.js";
import { resolveLimits } from "../../src/protocol/limits.js";
import {
  decodeBatch,
  encodeBatch,
  headerEntries,
  recordSizeBytes,
  type StoredRecord,
  sliceBatch,
  stampBatch,
} from "../../src/protocol/record-codec.js";
import { RecordsJson } from "../../src/protocol/records-json.js";
import { StoredRowRecords } from "../../src/protocol/stored-row.js";
import { Utf8Arena } from "../../src/protocol/utf8-arena.js";
import { Utf8Writer } from "../../src/protocol/utf8-writer.js";
import { prepareRecords } from "../../src/router/produce-records.js";
import { seededRandom } from "../random.js";
import { wellFormed } from "../well-formed.js";

const utf8 = new TextEncoder();

type Format = "json" | "binary";
type Encoding = "json" | "base64";

/** Records rendered as a replica renders a stored row of them at `offsets`: a compacted
 * row (version 2) when the offsets have gaps. */
function renderRow(records: StoredRecord[], offsets: number[], format: Format, encoding: Encoding): RecordsJson {
  const base = offsets[0]!;
  const payload = offsets.every((offset, i) => offset === base + i)
    ? encodeBatch(records, format)
    : encodeCompactedBatch(
        format,
        records.map((record, i) => ({ offsetDelta: offsets[i]! - base, record })),
        -1,
      );
  const row = new StoredRowRecords(payload, base);
  const rendered = new RecordsJson();
  while (row.next()) rendered.add(row, encoding);
  return rendered;
}

/** One record rendered alone, parsed back. */
function renderRecord(record: StoredRecord, offset: number, format: Format, encoding: Encoding) {
  return JSON.parse(new TextDecoder().decode(renderRow([record], [offset], format, encoding).finish()))[0];
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
    expect(stamped.keylessCount).toBe(pending.filter((r) => r.key === null).length);
    expect(stamped.sizeBytes).toBe(records.reduce((n, r) => n + recordSizeBytes(r), 0));
    expect(decodeBatch(stamped.payload).records).toEqual([{ ...records[0]!, timestamp: 99 }, records[1], records[2]]);
    const tail = decodeBatch(sliceBatch(stamped, 1, 3));
    expect(tail).toEqual({
      format: "json",
      records: [records[1], records[2]],
      offsetDeltas: null,
      deleteHorizonMs: -1,
    });
    expect(() => stampBatch(encodeBatch(pending, "json").subarray(0, 20), 99)).toThrow();
  });

  it("walks a stored row in place: each record's offset, bytes and size, in either version", () => {
    const walk = (payload: Uint8Array, baseOffset: number) => {
      const row = new StoredRowRecords(payload, baseOffset);
      const seen: { offset: number; size: number; bytes: number }[] = [];
      while (row.next()) seen.push({ offset: row.offset, size: row.sizeBytes, bytes: row.end - row.start });
      return seen;
    };
    const sizes = records.map((r) => recordSizeBytes(r));
    const dense = walk(encodeBatch(records, "json"), 40);
    expect(dense.map((r) => [r.offset, r.size])).toEqual(records.map((_, i) => [40 + i, sizes[i]]));
    const compacted = encodeCompactedBatch(
      "binary",
      records.map((record, i) => ({ offsetDelta: i * 3, record })),
      -1,
    );
    const gapped = walk(compacted, 40);
    expect(gapped.map((r) => [r.offset, r.size])).toEqual(records.map((_, i) => [40 + i * 3, sizes[i]]));
    expect(gapped.map((r) => r.bytes)).toEqual(dense.map((r) => r.bytes));
    // A row whose count claims more records than it holds is refused, not read past.
    const short = encodeBatch(records, "json");
    new DataView(short.buffer).setUint32(2, records.length - 1, true);
    expect(() => walk(short, 0)).toThrow(/ends at/);
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
    const value = utf8.encode(JSON.stringify("é€😀".repeat(5_000)));
    const many = Array.from({ length: 10 }, (_, i) => ({
      timestamp: i,
      key: utf8.encode(`ключ${i}`),
      value,
      headers: [],
    }));
    const rendered = renderRow(
      many,
      many.map((_, i) => i),
      "json",
      "json",
    );
    const parsed = JSON.parse(new TextDecoder().decode(rendered.finish()));
    expect(parsed).toHaveLength(10);
    expect(parsed[9]).toEqual({ offset: 9, timestamp: 9, key: "ключ9", value: "é€😀".repeat(5_000), headers: {} });
    expect(JSON.parse(new TextDecoder().decode(new RecordsJson().finish()))).toEqual([]);
    for (const key of ['q"uote', "back\\slash", "tab\t", "€ü", "\u2028"]) {
      expect(
        renderRecord({ timestamp: 1, key: utf8.encode(key), value: null, headers: [] }, 0, "json", "json").key,
      ).toBe(key);
    }
  });
});

describe("Utf8Writer.written", () => {
  it("gives what was written with the headroom before it and the tailroom after it free", () => {
    for (const capacity of [8, 64, 4096]) {
      const out = new Utf8Writer(capacity, 5);
      out.text("abcdef");
      const written = out.written(10);
      expect(new TextDecoder().decode(written)).toBe("abcdef");
      expect(out.length).toBe(6);
      expect(written.byteOffset).toBe(5);
      expect(written.buffer.byteLength - written.byteOffset - written.length).toBeGreaterThanOrEqual(10);
      // Mostly unused (4096): a copy just large enough, not the whole buffer.
      if (capacity === 4096) expect(written.buffer.byteLength).toBe(5 + 6 + 10);
    }
  });
});

describe("Utf8Writer.number", () => {
  it("writes numbers as JSON.stringify does: safe integers digit by digit, the rest as text", () => {
    const numbers = [0, 7, 9, 10, 99, 100, 1_796_297_551_268, Number.MAX_SAFE_INTEGER, -1, 1.5, 2 ** 60];
    for (const n of numbers) {
      const out = new Utf8Writer(1);
      out.number(n);
      expect(new TextDecoder().decode(out.written())).toBe(JSON.stringify(n));
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

/** Pieces of text with a lone surrogate among them, or a pair split across pieces. */
const TEXT_PIECES = ["a", "é", "€", "😀", "\ud83d", "\ude00", "\ud800", "\udfff", '"', "\\", "\n", "{", "}"];

function randomText(random: ReturnType<typeof seededRandom>): string {
  return Array.from({ length: random.int(6) }, () => random.pick(TEXT_PIECES)).join("");
}

describe("keys and headers through produce, storage and rendering", () => {
  // Property tests are CPU-bound: the machine's other work may slow them many times over.
  it("come back exactly, or are refused with INVALID_RECORD when not well-formed Unicode", { timeout: 30_000 }, () => {
    const random = seededRandom(29);
    const limits = resolveLimits(undefined);
    let refused = 0;
    const cases = 5_000;
    for (let i = 0; i < cases; i++) {
      const key = randomText(random);
      const headers = Object.fromEntries(
        Array.from({ length: random.int(3) }, () => [`h${randomText(random)}`, randomText(random)]),
      );
      const ok = wellFormed(key) && Object.entries(headers).every(([n, v]) => wellFormed(n) && wellFormed(v));
      let prepared: ReturnType<typeof prepareRecords>;
      try {
        prepared = prepareRecords([{ key, value: 1, headers }], "json", limits, true);
      } catch (error) {
        expect(ok, `${JSON.stringify(key)} ${JSON.stringify(headers)} refused`).toBe(false);
        expect(error).toMatchObject({ data: { code: "INVALID_RECORD" } });
        refused++;
        continue;
      }
      expect(ok, `${JSON.stringify(key)} ${JSON.stringify(headers)} stored`).toBe(true);
      const stored = decodeBatch(encodeBatch([{ ...prepared[0]!.record, timestamp: 1 }], "json")).records[0]!;
      expect(renderRecord(stored, 0, "json", "json")).toMatchObject({ key, headers });
    }
    console.log(`keys and headers: ${cases} records tried, ${refused} refused as not well-formed`);
    expect(refused).toBeGreaterThan(cases / 10);
    expect(refused).toBeLessThan(cases);
  });
});

/** A JSON number token of random shape: sign, integer digits, fraction, exponent. */
function randomNumberToken(random: ReturnType<typeof seededRandom>): string {
  const digits = (n: number) => Array.from({ length: n }, () => random.int(10)).join("");
  const sign = random.int(3) === 0 ? "-" : "";
  const integer = random.int(4) === 0 ? "0" : `${1 + random.int(9)}${digits(random.int(24))}`;
  const fraction =
    random.int(2) === 0 ? "" : `.${random.int(3) === 0 ? "0".repeat(random.int(9)) : ""}${digits(1 + random.int(18))}`;
  const exponent =
    random.int(6) === 0 ? `${random.pick(["e", "E"])}${random.pick(["", "+", "-"])}${digits(1 + random.int(3))}` : "";
  return `${sign}${integer}${fraction}${exponent}`;
}

describe("numbers of JSON values", () => {
  it("mayChangeNumbers misses no number that JSON.parse and JSON.stringify would change", { timeout: 30_000 }, () => {
    const random = seededRandom(31);
    const cases = 50_000;
    let changing = 0;
    for (let i = 0; i < cases; i++) {
      const token = randomNumberToken(random);
      const text = random.pick([
        `[${token}]`,
        `{"a":${token}}`,
        `{"a": ${token} ,"b":1}`,
        `[1,${token}\n]`,
        // Strings that end in an escaped quote or backslash, with number-like text inside.
        `["x\\"${token}\\"",${token}]`,
        `{"\\\\":${token},"s":"\\\\${token}"}`,
      ]);
      const changes = String(JSON.parse(token)) !== token;
      if (changes) changing++;
      expect(changedNumber(text), text).toBe(changes ? token : null);
      if (changes) expect(mayChangeNumbers(text), text).toBe(true);
    }
    console.log(`number tokens: ${cases} tried, ${changing} that JSON.parse + JSON.stringify would change`);
    expect(changing).toBeGreaterThan(cases / 10);
  });

  it("sees no number to keep in values without one, numbers inside strings aside", () => {
    const values = [
      { at: "2026-12-02T03:10:49.000Z", id: "5fd70f64-20a1-43b6-b160-5e53f1ccb734", n: 42, x: -1.5 },
      { twitterId: "12345678901234567890", hex: "1e5", price: 0.25, big: 900719925474099 },
      ["1.50", "-0", 1e-6, 123456789012345, 0],
    ];
    for (const value of values) expect(mayChangeNumbers(JSON.stringify(value)), JSON.stringify(value)).toBe(false);
    for (const text of ["[12345678901234567890]", "[1e400]", "[-0]", "[1.50]", "[0.0000001]", "[1E2]"]) {
      expect(mayChangeNumbers(text), text).toBe(true);
      expect(changedNumber(text), text).toBe(text.slice(1, -1));
    }
  });

  it("measures how deeply JSON text nests, brackets inside strings aside", () => {
    const cases: [string, number][] = [
      ["1", 0],
      ["[]", 1],
      ['{"a":[{"b":[]}],"c":{}}', 4],
      ['["[[[", "\\", ""{"]', 1],
      [`${"[".repeat(1_000)}${"]".repeat(1_000)}`, 1_000],
    ];
    for (const [text, depth] of cases) expect(nestingDepth(text), text).toBe(depth);
  });

  it("refuses, with the caller's code, a text nesting past the exact parse's bound", () => {
    const nested = (depth: number) => `${"[".repeat(depth)}1.0${"]".repeat(depth)}`;
    expect(() => checkExactNesting(nested(MAX_EXACT_NESTING), "INVALID_RECORD")).not.toThrow();
    for (const code of ["INVALID_RECORD", "INVALID_REQUEST"] as const) {
      expect(() => checkExactNesting(nested(MAX_EXACT_NESTING + 1), code)).toThrow(
        expect.objectContaining({ data: expect.objectContaining({ code }) }),
      );
    }
  });
});

describe("the renderer of fetched records", () => {
  it("sends each record's bytes as the replica rendered them, on every read path", () => {
    const values = ['{"offset":1,"s":"},{\\"x\\":[","n":12345678901234567890}', "-0", "1e400", '"\\ud800"', "[{}]"];
    const rendered = renderRow(
      values.map((value, i) => ({ timestamp: i, key: utf8.encode(`k${i}`), value: utf8.encode(value), headers: [] })),
      values.map((_, i) => 10 + i),
      "json",
      "json",
    );
    const { recordStarts, count } = rendered;
    const records = rendered.finish();
    const response: FetchedRecords = {
      fetchOffset: 10,
      records,
      recordStarts,
      recordCount: count,
      nextOffset: 10 + count,
      highWatermark: 20,
      logStartOffset: 0,
    };
    const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    const recordTexts = values.map(
      (value, i) => `{"offset":${10 + i},"timestamp":${i},"key":"k${i}","value":${value},"headers":{}}`,
    );
    expect(text(records)).toBe(`[${recordTexts.join(",")}]`);
    const partitionAnswer = `{"records":[${recordTexts.join(",")}],"nextOffset":15,"highWatermark":20,"logStartOffset":0}`;
    // Written around the records in the room the replica left, or, without room, copied.
    const inPlace = partitionFetchBody(response);
    expect(text(inPlace)).toBe(partitionAnswer);
    expect(inPlace.buffer).toBe(records.buffer);
    expect(text(records)).toBe(`[${recordTexts.join(",")}]`);
    const copied = partitionFetchBody({ ...response, records: Uint8Array.from(records) });
    expect(text(copied)).toBe(partitionAnswer);
    expect(copied.buffer).not.toBe(records.buffer);
    const answers: FetchedAnswer[] = [
      { topic: "t", partition: 3, ok: true, response },
      { topic: "u", partition: 0, ok: false, error: { code: "OFFSET_OUT_OF_RANGE", message: "m" } },
    ];
    expect(JSON.parse(text(multiFetchBody(answers))).partitions[1]).toEqual({
      topic: "u",
      partition: 0,
      error: { code: "OFFSET_OUT_OF_RANGE", message: "m", retriable: false },
    });
    expect(text(multiFetchBody(answers))).toContain(`{"topic":"t","partition":3,"records":[${recordTexts.join(",")}],`);
    const tagged = recordTexts.map((r) => `{"topic":"t","partition":3,${r.slice(1)}`);
    expect(text(groupFetchBody(answers, { memberEpoch: 2 }))).toBe(`{"records":[${tagged.join(",")}],"memberEpoch":2}`);
    expect(text(recordEvents(response))).toBe(
      recordTexts.map((r, i) => `id: ${10 + i}\nevent: record\ndata: ${r}\n\n`).join(""),
    );
    // A compacted log's gaps: each event's id is its record's own offset.
    const one = { timestamp: 1, key: null, value: utf8.encode("1"), headers: [] };
    const gapped = renderRow([one, one, one], [12, 17, 1234], "json", "json");
    const withGaps: FetchedRecords = {
      ...response,
      recordStarts: gapped.recordStarts,
      recordCount: 3,
      records: gapped.finish(),
      nextOffset: 1300,
    };
    expect([...text(recordEvents(withGaps)).matchAll(/id: (\d+)/g)].map((m) => m[1])).toEqual(["12", "17", "1234"]);
    expect(() => recordEvents({ ...withGaps, nextOffset: 1000 })).toThrow(/below 1000/);
  });
});

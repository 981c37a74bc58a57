import { describe, expect, it } from "vitest";
import { resolveLimits } from "../../src/protocol/limits.js";
import { jsonText, parseProduceBody, prepareRecords } from "../../src/router/produce-records.js";
import { seededRandom } from "../random.js";

const utf8 = new TextEncoder();
const PIECES = [
  "a",
  "Z",
  " ",
  '"',
  "\\",
  "/",
  "\u0000",
  "\u001f",
  "\u007f",
  "é",
  "€",
  "\ud83d\ude00",
  "\ud800",
  "\udfff",
  "\u2028",
];

/** Keys hold no lone surrogate: those are refused (record-codec.test.ts). */
const WELL_FORMED = PIECES.filter((piece) => !/^[\ud800-\udfff]$/.test(piece));

describe("jsonText", () => {
  it("is JSON.stringify, for strings of every kind of character and for other values", () => {
    const random = seededRandom(11);
    for (let i = 0; i < 20_000; i++) {
      const text = Array.from({ length: random.int(12) }, () => random.pick(PIECES)).join("");
      expect(jsonText(text)).toBe(JSON.stringify(text));
    }
    for (const value of [null, 0, -1.5, 1e21, true, [], { a: ["b", { c: null }] }, "x".repeat(10_000)]) {
      expect(jsonText(value)).toBe(JSON.stringify(value));
    }
  });
});

describe("prepareRecords", () => {
  // CPU-bound (about 0.7 s alone): the machine's other work may slow it many times over.
  // The values with a quote, a control character or a lone surrogate make bodies with a
  // backslash; the others (emoji included) bodies without one, whose strings skip the check.
  it("stores each key as UTF-8 and each value as the UTF-8 of its JSON.stringify, ASCII or not", {
    timeout: 30_000,
  }, () => {
    const random = seededRandom(5);
    const limits = resolveLimits(undefined);
    const values = [null, 1, "plain", 'q"uote', "\u0001", "\ud800", { a: "ü" }, ["x", 2], "€", "😀", "x".repeat(5_000)];
    const bodies = { escaped: 0, plain: 0 };
    for (let i = 0; i < 500; i++) {
      const sent = Array.from({ length: 1 + random.int(5) }, () => {
        const key = random.int(3) === 0 ? null : WELL_FORMED.slice(0, 1 + random.int(WELL_FORMED.length)).join("");
        return { key, value: random.pick(values) };
      });
      const { body, escapes } = parseProduceBody(JSON.stringify({ records: sent }));
      bodies[escapes ? "escaped" : "plain"]++;
      const records = (body as { records: typeof sent }).records;
      const prepared = prepareRecords(records, "json", limits, escapes);
      prepared.forEach(({ record }, j) => {
        const { key, value } = records[j]!;
        expect(record.key).toEqual(key === null ? null : utf8.encode(key));
        expect(record.value).toEqual(value === null ? null : utf8.encode(JSON.stringify(value)));
      });
    }
    expect(bodies.escaped).toBeGreaterThan(50);
    expect(bodies.plain).toBeGreaterThan(50);
  });
});

import { describe, expect, it } from "vitest";
import { jsonText } from "../../src/router/produce-records.js";
import { seededRandom } from "../random.js";

describe("jsonText", () => {
  it("is JSON.stringify, for strings of every kind of character and for other values", () => {
    const random = seededRandom(11);
    const pieces = [
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
    for (let i = 0; i < 20_000; i++) {
      const text = Array.from({ length: random.int(12) }, () => random.pick(pieces)).join("");
      expect(jsonText(text)).toBe(JSON.stringify(text));
    }
    for (const value of [null, 0, -1.5, 1e21, true, [], { a: ["b", { c: null }] }, "x".repeat(10_000)]) {
      expect(jsonText(value)).toBe(JSON.stringify(value));
    }
  });
});

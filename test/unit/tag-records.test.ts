import { describe, expect, it } from "vitest";
import { tagRecords } from "../../src/router/tag-records.js";

describe("tagRecords", () => {
  it("adds topic and partition to each record without touching values", () => {
    const records = `[{"offset":0,"value":{"offset":{"x":"}{\\"["}},"key":"a{"},{"offset":1,"value":[{"a":1}],"key":null}]`;
    const tagged = JSON.parse(`[${tagRecords(records, "t.1", 3)}]`);
    expect(tagged).toEqual([
      { topic: "t.1", partition: 3, offset: 0, value: { offset: { x: '}{"[' } }, key: "a{" },
      { topic: "t.1", partition: 3, offset: 1, value: [{ a: 1 }], key: null },
    ]);
  });

  it("keeps big integers as their digits", () => {
    expect(tagRecords(`[{"offset":5,"value":12345678901234567890}]`, "t", 0)).toBe(
      `{"topic":"t","partition":0,"offset":5,"value":12345678901234567890}`,
    );
  });

  it("answers empty for no records", () => {
    expect(tagRecords("[]", "t", 0)).toBe("");
  });
});

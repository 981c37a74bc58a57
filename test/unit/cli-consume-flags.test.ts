// The CLI's consume flags as parsed and rendered: -o (rpk's offsets) and -f (json,
// value, kv and rpk-style templates).

import { describe, expect, it } from "vitest";
import { rendererFor } from "../../src/cli/record-format.js";
import { parseStartOffset } from "../../src/cli/start-offset.js";
import type { KafkaMessage } from "../../src/client/index.js";

const message: KafkaMessage = {
  topic: "orders",
  partition: 2,
  offset: 7,
  timestamp: 1_700_000_000_000,
  key: "alice",
  value: { total: 42 },
  headers: { source: "web" },
};

describe("-o/--offset", () => {
  it("reads start, end, N, -N, @ms and @ISO time", () => {
    expect(parseStartOffset("start")).toEqual({ kind: "start" });
    expect(parseStartOffset("end")).toEqual({ kind: "end" });
    expect(parseStartOffset("12")).toEqual({ kind: "offset", offset: 12 });
    expect(parseStartOffset("-3")).toEqual({ kind: "last", count: 3 });
    expect(parseStartOffset("@1700000000000")).toEqual({ kind: "time", timestampMs: 1_700_000_000_000 });
    expect(parseStartOffset("@2023-11-14T22:13:20Z")).toEqual({ kind: "time", timestampMs: 1_700_000_000_000 });
    expect(parseStartOffset("@2023-11-14T23:13:20.000+01:00")).toEqual({
      kind: "time",
      timestampMs: 1_700_000_000_000,
    });
    expect(parseStartOffset("@2023-11-14")).toEqual({ kind: "time", timestampMs: Date.UTC(2023, 10, 14) });
  });

  it("refuses anything else with the forms it takes", () => {
    for (const bad of [
      "",
      "soon",
      "1.5",
      "--3",
      "@",
      "@yesterday",
      "@-1",
      "@2023-13-45",
      "@11/14/2023",
      "12345678901234567",
    ]) {
      expect(() => parseStartOffset(bad), bad).toThrow(/^--offset is start, end, an offset N, -N/);
    }
  });
});

describe("-f/--format", () => {
  it("renders json, value and kv", () => {
    expect(JSON.parse(rendererFor("json", "\t")(message))).toEqual(message);
    expect(rendererFor("value", "\t")(message)).toBe('{"total":42}\n');
    expect(rendererFor("kv", "=")({ ...message, key: null })).toBe('={"total":42}\n');
  });

  it("renders rpk-style templates, ending each record with one newline", () => {
    expect(rendererFor("%t %p %o %k %v %d %T %h 100%%", "\t")(message)).toBe(
      'orders 2 7 alice {"total":42} 1700000000000 1700000000000 {"source":"web"} 100%\n',
    );
    expect(rendererFor("%k\\t%v\\n", "\t")(message)).toBe('alice\t{"total":42}\n');
    expect(rendererFor("%v\n", "\t")({ ...message, value: "plain" })).toBe("plain\n");
    expect(rendererFor("[%v]", "\t")({ ...message, value: new TextEncoder().encode("bytes") })).toBe("[bytes]\n");
  });

  it("refuses unknown directives and formats", () => {
    expect(() => rendererFor("%q", "\t")).toThrow('--format: "%q" is not one of %t %k %v %p %o %d %T %h %%');
    expect(() => rendererFor("trailing %", "\t")).toThrow('--format: "%" is not one of');
    expect(() => rendererFor("yaml", "\t")).toThrow(/^--format is json, value, kv or a template/);
  });
});

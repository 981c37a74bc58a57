// The SDK's event-stream reader against the WHATWG rules that matter for the live
// tail: any chunking, CR LF / CR / LF line ends, comments, multi-line data, ids.

import { expect, it } from "vitest";
import { type ServerSentEvent, SseParser } from "../../src/client/sse-parser.js";
import { seededRandom } from "../random.js";

const utf8 = new TextEncoder();
const STREAM =
  "retry: 1000\r\n: a comment\r\n\r\n" +
  'id: 7\nevent: record\ndata: {"value":"héllo ✓"}\n\n' +
  "data: line one\rdata: line two\r\r" +
  "id: 9\r\nevent: record\r\ndata:no-space\r\n\r\n" +
  ": heartbeat\n\n";

const EXPECTED: ServerSentEvent[] = [
  { event: "record", data: '{"value":"héllo ✓"}', id: "7" },
  { event: "message", data: "line one\nline two", id: "7" },
  { event: "record", data: "no-space", id: "9" },
];

it("parses events whole", () => {
  const parser = new SseParser();
  expect(parser.push(utf8.encode(STREAM))).toEqual(EXPECTED);
  expect(parser.lastId).toBe("9");
});

it("gives the same events however the bytes are split, even inside a character or a CR LF", () => {
  const bytes = utf8.encode(STREAM);
  const random = seededRandom(11);
  for (let round = 0; round < 200; round++) {
    const parser = new SseParser();
    const events: ServerSentEvent[] = [];
    for (let at = 0; at < bytes.length; ) {
      const size = 1 + random.int(8);
      events.push(...parser.push(bytes.subarray(at, at + size)));
      at += size;
    }
    expect(events).toEqual(EXPECTED);
  }
});

it("holds an unfinished event until its blank line", () => {
  const parser = new SseParser();
  expect(parser.push(utf8.encode("id: 1\ndata: x\n"))).toEqual([]);
  expect(parser.push(utf8.encode("\n"))).toEqual([{ event: "message", data: "x", id: "1" }]);
});

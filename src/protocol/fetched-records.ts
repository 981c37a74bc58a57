// The one renderer of fetched records, for every read path: the partition fetch, POST
// /v1/fetch, the group fetch and the live tail. A replica answers its records as a
// JSON array text in UTF-8 (record-codec.ts) with where each record starts; here those
// bytes are copied into each path's answer as they are, never decoded, parsed or
// re-encoded, so every path sends a record's value byte for byte as stored (and every
// path charges the fetch quota the bytes it sends: router/fetch-answer.ts).

import { invariant } from "../common/invariant.js";
import { type ErrorData, errorBody } from "./errors.js";
import { Utf8Writer } from "./utf8-writer.js";

/** What a replica answers a fetch with (FetchResponse), as far as rendering goes. */
export interface FetchedRecords {
  /** The offset of the first record. */
  fetchOffset: number;
  /** A JSON array text of the records in UTF-8: a view of a buffer holding nothing
   * else (RecordsJson), whose bytes around the view an answer may be written into. */
  records: Uint8Array;
  /** Where each record's object starts in `records`. */
  recordStarts: readonly number[];
  recordCount: number;
  nextOffset: number;
  /** Binary reads only, when a compacted log left gaps: each record's offset. Absent
   * when record i is at fetchOffset + i. */
  recordOffsets?: readonly number[] | undefined;
  highWatermark: number;
  logStartOffset: number;
}

/** One partition's part of a many-partition fetch. */
export type FetchedAnswer = { topic: string; partition: number } & (
  | { ok: true; response: FetchedRecords }
  | { ok: false; error: ErrorData }
);

/** Room for an answer's own fields around its records. */
const ENVELOPE_BYTES = 256;
const COMMA = 0x2c;

/** GET .../partitions/{p}/records: the records, then the partition's offsets. A catch-up
 * read's answer is megabytes of records: written around them in their own buffer, where
 * the replica left room for it (RecordsJson), rather than copied. */
export function partitionFetchBody(r: FetchedRecords): Uint8Array<ArrayBuffer> {
  const head = `{"records":`;
  const tail = offsetsTail(r);
  const { records } = r;
  const start = records.byteOffset - head.length;
  const end = records.byteOffset + records.length + tail.length;
  if (start >= 0 && end <= records.buffer.byteLength) {
    const answer = new Uint8Array(records.buffer as ArrayBuffer, start, end - start);
    writeAscii(answer, 0, head);
    writeAscii(answer, head.length + records.length, tail);
    return answer;
  }
  const out = new Utf8Writer(records.length + ENVELOPE_BYTES);
  out.text(head);
  out.bytes(records);
  out.text(tail);
  return out.written();
}

function writeAscii(into: Uint8Array, at: number, text: string): void {
  for (let i = 0; i < text.length; i++) into[at + i] = text.charCodeAt(i);
}

/** POST /v1/fetch: each partition's answer, or its error, in the order asked. */
export function multiFetchBody(answers: readonly FetchedAnswer[]): Uint8Array<ArrayBuffer> {
  const out = new Utf8Writer(answersBytes(answers));
  out.text(`{"partitions":[`);
  answers.forEach((a, i) => {
    if (i > 0) out.byte(COMMA);
    out.text(`{"topic":${JSON.stringify(a.topic)},"partition":${a.partition},`);
    if (!a.ok) {
      out.text(`${errorFields(a.error)}}`);
      return;
    }
    out.text(`"records":`);
    out.bytes(a.response.records);
    out.text(offsetsTail(a.response));
  });
  out.text("]}");
  return out.written();
}

/** POST /v1/groups/{g}/fetch: the records of every partition in one list, each tagged
 * with its topic and partition, then the group's own fields (`tail`, an object). */
export function groupFetchBody(answers: readonly FetchedAnswer[], tail: object): Uint8Array<ArrayBuffer> {
  const out = new Utf8Writer(answersBytes(answers));
  out.text(`{"records":[`);
  let first = true;
  for (const a of answers) {
    if (!a.ok) continue;
    const head = `{"topic":${JSON.stringify(a.topic)},"partition":${a.partition},`;
    forEachRecord(a.response, (from, to) => {
      if (!first) out.byte(COMMA);
      first = false;
      out.text(head);
      // The record's object without its opening brace.
      out.bytes(a.response.records.subarray(from + 1, to));
    });
  }
  out.text(`],${JSON.stringify(tail).slice(1)}`);
  return out.written();
}

/** The live tail's Server-Sent Events for the records of one poll: each record an
 * event of its own, its id its offset (what Last-Event-ID resumes after). */
export function recordEvents(r: FetchedRecords): Uint8Array<ArrayBuffer> {
  const out = new Utf8Writer(r.records.length + r.recordCount * EVENT_FRAMING_BYTES);
  let previous = r.fetchOffset - 1;
  forEachRecord(r, (from, to) => {
    // A compacted log has gaps: each record's offset is the one it was rendered with.
    const offset = renderedOffset(r.records, from);
    invariant(
      offset > previous && offset < r.nextOffset,
      `record offset ${offset} after ${previous}, below ${r.nextOffset}`,
    );
    previous = offset;
    out.text(`id: ${offset}\nevent: record\ndata: `);
    out.bytes(r.records.subarray(from, to));
    out.text("\n\n");
  });
  return out.written();
}

const OFFSET_PREFIX = '{"offset":';
const DIGIT_0 = 0x30;

/** The offset a record object starts with (RecordsJson writes it first). */
function renderedOffset(records: Uint8Array, start: number): number {
  let offset = 0;
  for (let at = start + OFFSET_PREFIX.length; records[at]! >= DIGIT_0 && records[at]! <= DIGIT_0 + 9; at++) {
    offset = offset * 10 + records[at]! - DIGIT_0;
  }
  return offset;
}

/** `id: <offset>\nevent: record\ndata: ` and the blank line after, at most. */
const EVENT_FRAMING_BYTES = 64;

/** Calls `each` with the [from, to) bytes of every record object in `r.records`. */
function forEachRecord(r: FetchedRecords, each: (from: number, to: number) => void): void {
  const { records, recordStarts, recordCount } = r;
  // Records are separated by one comma; the last is followed by the closing bracket.
  for (let i = 0; i < recordCount; i++) {
    each(recordStarts[i]!, i + 1 < recordCount ? recordStarts[i + 1]! - 1 : records.length - 1);
  }
}

function offsetsTail(r: FetchedRecords): string {
  return `,"nextOffset":${r.nextOffset},"highWatermark":${r.highWatermark},"logStartOffset":${r.logStartOffset}}`;
}

/** The `"error":{...}` field of an answer, without braces around it. */
function errorFields(error: ErrorData): string {
  return JSON.stringify(errorBody(error)).slice(1, -1);
}

/** About how large an answer of these partitions gets, tags of group records included. */
function answersBytes(answers: readonly FetchedAnswer[]): number {
  let bytes = ENVELOPE_BYTES;
  for (const a of answers) {
    bytes += ENVELOPE_BYTES;
    if (a.ok) bytes += a.response.records.length + a.response.recordCount * (a.topic.length + TAG_BYTES);
  }
  return bytes;
}

/** `{"topic":"","partition":` and the partition number, at most. */
const TAG_BYTES = 32;

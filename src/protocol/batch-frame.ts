// The binary batch of a produce (media type application/vnd.edgelog.batch): the stored
// batch layout of record-codec.ts in format 1 (binary), so the router checks it in one
// pass and forwards it to the leader as it came, and a client builds it with
// encodeBatch(records, "binary"). docs/PROTOCOL.md, "Binary batches". Every rule of a
// JSON produce's records holds here too, with the same codes.

import { type Failure, failure } from "./errors.js";
import { FrameCursor, MalformedFrame } from "./frame-cursor.js";
import type { Limits } from "./limits.js";
import { BATCH_VERSION, FORMAT_CODE, LEADER_TIMESTAMP } from "./record-codec.js";

export const BATCH_MEDIA_TYPE = "application/vnd.edgelog.batch";
/** The largest timestamp a JavaScript Date holds, in ms since the epoch. */
export const MAX_TIMESTAMP_MS = 8_640_000_000_000_000;
/** timestamp, keyLength, valueLength, headerCount: the least a record takes. */
const MIN_RECORD_BYTES = 8 + 4 + 4 + 2;

export type FrameLimits = Pick<Limits, "maxRecordsPerRequest" | "maxRecordBytes" | "maxHeadersPerRecord">;
export type FrameCheck = { ok: true; recordCount: number } | Failure;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Whether `frame` is a produce batch the leader may store as it is; its record count. */
export function checkProduceFrame(frame: Uint8Array, limits: FrameLimits): FrameCheck {
  const cursor = new FrameCursor(frame);
  try {
    const version = cursor.u8();
    if (version !== BATCH_VERSION) return malformed(`version ${version}, expected ${BATCH_VERSION}`);
    const format = cursor.u8();
    // Format 0 (JSON text) is the JSON route's alone: a binary batch's keys and values are bytes.
    const binary = FORMAT_CODE.binary;
    if (format !== binary) return malformed(`format ${format}, expected ${binary} (binary)`);
    const count = cursor.u32();
    if (count === 0) return malformed("no records");
    if (count > limits.maxRecordsPerRequest) {
      return failure(
        "RECORD_LIST_TOO_LARGE",
        `${count} records, over the limit of ${limits.maxRecordsPerRequest} per request`,
      );
    }
    if (count * MIN_RECORD_BYTES > cursor.remaining) {
      return malformed(`${count} records cannot fit in ${frame.length} bytes`);
    }
    for (let i = 0; i < count; i++) {
      const problem = checkRecord(cursor, `records[${i}]`, limits);
      if (problem) return problem;
    }
    if (cursor.remaining > 0) return malformed(`${cursor.remaining} bytes after the ${count} records`);
    return { ok: true, recordCount: count };
  } catch (error) {
    if (error instanceof MalformedFrame) return malformed(error.message);
    throw error;
  }
}

function checkRecord(cursor: FrameCursor, where: string, limits: FrameLimits): Failure | null {
  const timestamp = cursor.f64();
  if (
    timestamp !== LEADER_TIMESTAMP &&
    !(Number.isInteger(timestamp) && timestamp >= 0 && timestamp <= MAX_TIMESTAMP_MS)
  ) {
    return malformed(
      `${where}: timestamp ${timestamp} is neither ${LEADER_TIMESTAMP} nor a time in ms since the epoch`,
    );
  }
  let sizeBytes = field(cursor) + field(cursor);
  const headerCount = cursor.u16();
  if (headerCount > limits.maxHeadersPerRecord) {
    return failure(
      "INVALID_RECORD",
      `${where} has ${headerCount} headers, over the limit of ${limits.maxHeadersPerRecord}`,
    );
  }
  const names = headerCount > 1 ? new Set<string>() : null;
  for (let h = 0; h < headerCount; h++) {
    const name = headerBytes(cursor);
    const value = headerBytes(cursor);
    const nameText = name && name.length > 0 ? utf8Text(name) : null;
    if (nameText === null || value === null || utf8Text(value) === null) {
      return failure("INVALID_RECORD", `${where}.headers: each header needs a non-empty UTF-8 name and a UTF-8 value`);
    }
    if (names?.has(nameText)) {
      return failure("INVALID_RECORD", `${where}.headers: header ${JSON.stringify(nameText)} is repeated`);
    }
    names?.add(nameText);
    sizeBytes += name!.length + value.length;
  }
  if (sizeBytes > limits.maxRecordBytes) {
    return failure("MESSAGE_TOO_LARGE", `${where} is ${sizeBytes} bytes, over the ${limits.maxRecordBytes}-byte limit`);
  }
  return null;
}

/** Moves past a key or value (-1: null); its length, 0 for null. */
function field(cursor: FrameCursor): number {
  const length = cursor.i32();
  if (length === -1) return 0;
  cursor.take(length);
  return length;
}

/** A header name or value (null when its length is -1, Kafka's null). */
function headerBytes(cursor: FrameCursor): Uint8Array | null {
  const length = cursor.i32();
  return length === -1 ? null : cursor.take(length);
}

/** UTF-8 bytes as text, or null when they are not UTF-8. */
function utf8Text(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

function malformed(detail: string): Failure {
  return failure("INVALID_REQUEST", `malformed batch frame: ${detail}`);
}

// Reading a stored row (record-codec.ts, version 1; compacted-batch.ts, version 2) record
// by record in place: where each record's bytes are, its offset and its size, without
// decoding it into objects. Every read path walks rows this way (a catch-up read walks
// millions of records, and an object and two views per record were a tenth of its
// time); only compaction, which rewrites records, decodes them.

import { invariant } from "../common/invariant.js";
import {
  BATCH_FIXED_BYTES,
  BATCH_VERSION,
  COMPACTED_FIXED_BYTES,
  COMPACTED_VERSION,
  type RecordFormat,
  storedFormat,
} from "./record-codec.js";

/** A version 2 record's offset minus its row's base offset, stored before it. */
export const OFFSET_DELTA_BYTES = 4;

/** The records of one stored row in order: next() moves to the following record, whose
 * offset, bytes [start, end) (timestamp first, as in version 1) and size as limits count
 * it (recordSizeBytes) it then holds. A class with fields, not an object per record: it
 * runs once per record read. */
export class StoredRowRecords {
  readonly view: DataView;
  readonly format: RecordFormat;
  /** Version 2 only: its records' offsets have gaps. */
  readonly compacted: boolean;
  offset = -1;
  start = 0;
  end: number;
  sizeBytes = 0;
  private index = 0;
  private readonly count: number;

  constructor(
    readonly payload: Uint8Array,
    private readonly baseOffset: number,
  ) {
    this.view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    const version = this.view.getUint8(0);
    invariant(version === BATCH_VERSION || version === COMPACTED_VERSION, `a stored row of version ${version}`);
    this.compacted = version === COMPACTED_VERSION;
    this.format = storedFormat(this.view);
    this.count = this.view.getUint32(2, true);
    this.end = this.compacted ? COMPACTED_FIXED_BYTES : BATCH_FIXED_BYTES;
  }

  /** Stored bytes per record, on average. */
  get bytesPerRecord(): number {
    return this.count === 0 ? 0 : this.payload.length / this.count;
  }

  /** Moves to the next record; false past the last. */
  next(): boolean {
    if (this.index >= this.count) {
      invariant(this.end === this.payload.length, `a row of ${this.count} records ends at ${this.end}`);
      return false;
    }
    const { view } = this;
    let at = this.end;
    const delta = this.compacted ? view.getUint32(at, true) : this.index;
    if (this.compacted) at += OFFSET_DELTA_BYTES;
    this.index++;
    this.offset = this.baseOffset + delta;
    this.start = at;
    // The log stored the record, so it is well formed: timestamp, key, value, headers.
    let p = at + 8;
    let size = 0;
    for (let f = 0; f < 2; f++) {
      const length = view.getInt32(p, true);
      p += 4 + Math.max(length, 0);
      size += Math.max(length, 0);
    }
    const headerCount = view.getUint16(p, true);
    p += 2;
    for (let f = 0; f < headerCount * 2; f++) {
      const length = view.getInt32(p, true);
      invariant(length >= 0, "stored header names and values are never null");
      p += 4 + length;
      size += length;
    }
    this.end = p;
    this.sizeBytes = size;
    return true;
  }
}

// Records as a fetch frame carries them (the stored layout, offsets dense from the
// first), for tests of what the gateway writes from a frame.

import type { FrameRecords } from "../src/protocol/fetch-frame.js";
import { BATCH_FIXED_BYTES, encodeBatch } from "../src/protocol/record-codec.js";

export interface TestRecord {
  offset: number;
  timestampMs: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: [Uint8Array, Uint8Array][];
}

export function frameRecordsOf(records: readonly TestRecord[]): FrameRecords {
  records.forEach((r, i) => {
    if (r.offset !== records[0]!.offset + i) throw new Error("a frame's offsets are dense");
  });
  const stored = encodeBatch(
    records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestampMs })),
    "binary",
  );
  return {
    fetchOffset: records[0]?.offset ?? 0,
    recordCount: records.length,
    bytes: stored.subarray(BATCH_FIXED_BYTES),
  };
}

// Records as a fetch frame carries them (the stored layout; their offsets listed when
// not dense from the first, as a compacted log's are), for tests of what the gateway
// writes from a frame.

import type { FrameRecords } from "../src/protocol/fetch-frame.js";
import { BATCH_FIXED_BYTES, encodeBatch } from "../src/protocol/record-codec.js";

export interface TestRecord {
  offset: number;
  timestampMs: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: [Uint8Array, Uint8Array][];
}

export function frameRecordsOf(records: readonly TestRecord[], fetchOffset = records[0]?.offset ?? 0): FrameRecords {
  const dense = records.every((r, i) => r.offset === fetchOffset + i);
  const stored = encodeBatch(
    records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestampMs })),
    "binary",
  );
  return {
    fetchOffset,
    recordCount: records.length,
    offsets: dense ? null : records.map((r) => r.offset),
    bytes: stored.subarray(BATCH_FIXED_BYTES),
  };
}

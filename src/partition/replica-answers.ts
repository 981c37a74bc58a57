// Answers a replica gives the router about offsets: resolving earliest/latest, and
// refusing what lies outside its log.

import { type Failure, failure, type Result } from "../protocol/errors.js";
import type { LogOffsets } from "./partition-log.js";

export function unknownPartition(): Failure {
  return failure("UNKNOWN_TOPIC_OR_PARTITION", "this partition does not exist");
}

export function resolveOffset(state: LogOffsets, offset: number | "earliest" | "latest"): number {
  if (offset === "earliest") return state.logStartOffset;
  if (offset === "latest") return state.highWatermark;
  return offset;
}

export function checkOffset(state: LogOffsets, offset: number): Result<object> {
  const { logStartOffset, highWatermark, logEndOffset } = state;
  if (offset >= logStartOffset && offset <= logEndOffset) return { ok: true };
  return failure("OFFSET_OUT_OF_RANGE", `offset ${offset} is outside [${logStartOffset}, ${logEndOffset}]`, {
    logStartOffset,
    highWatermark,
  });
}

// rpk's -o/--offset: where reading starts in each partition. start, end, an offset N,
// -N (the last N records), or @<ms since the epoch> / @<ISO time> (the first record
// at or after that time, Kafka's offsetsForTimes).

import type { Admin } from "../client/index.js";

export type StartOffset =
  | { kind: "start" }
  | { kind: "end" }
  | { kind: "offset"; offset: number }
  | { kind: "last"; count: number }
  | { kind: "time"; timestampMs: number };

/** Far enough for any real timestamp, and inside what the offsets route accepts. */
const MAX_TIMESTAMP_MS = 8_640_000_000_000_000;

export function parseStartOffset(text: string): StartOffset {
  if (text === "start" || text === "oldest" || text === "beginning") return { kind: "start" };
  if (text === "end" || text === "newest") return { kind: "end" };
  if (/^\d{1,16}$/.test(text)) return { kind: "offset", offset: Number(text) };
  if (/^-\d{1,16}$/.test(text)) return { kind: "last", count: Number(text.slice(1)) };
  const timestampMs = text.startsWith("@") ? parseTimestamp(text.slice(1)) : null;
  if (timestampMs !== null) return { kind: "time", timestampMs };
  throw new Error(
    `--offset is start, end, an offset N, -N (the last N), @<ms> or @<ISO time> (e.g. @2026-01-31T12:00:00Z), not "${text}"`,
  );
}

/** Date.parse alone takes nearly anything ("-1" is 2001), so the ISO form is checked first. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** ms since the epoch, or an ISO time such as 2026-01-31T12:00:00Z; null if neither. */
export function parseTimestamp(text: string): number | null {
  const timestampMs = /^\d{1,16}$/.test(text) ? Number(text) : ISO_TIME.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isFinite(timestampMs) && timestampMs >= 0 && timestampMs <= MAX_TIMESTAMP_MS ? timestampMs : null;
}

export interface PartitionBounds {
  partition: number;
  logStartOffset: number;
  highWatermark: number;
}

/** The offset to read `bounds`' partition from, clamped into [logStartOffset, highWatermark]. */
export async function resolveStartOffset(
  admin: Admin,
  topic: string,
  bounds: PartitionBounds,
  start: StartOffset,
): Promise<number> {
  const { logStartOffset, highWatermark } = bounds;
  const clamp = (offset: number) => Math.min(highWatermark, Math.max(logStartOffset, offset));
  switch (start.kind) {
    case "start":
      return logStartOffset;
    case "end":
      return highWatermark;
    case "offset":
      return clamp(start.offset);
    case "last":
      return clamp(highWatermark - start.count);
    case "time":
      return clamp((await admin.listOffsets(topic, bounds.partition, start.timestampMs)).offset);
  }
}

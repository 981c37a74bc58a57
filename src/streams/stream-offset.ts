// The protocol's offsets: opaque, lexicographically sortable strings. Ours is the Kafka
// offset of the next record to read, zero-padded to 16 digits, so that string order is
// offset order; "-1" (the beginning) and "now" (the tail) are the protocol's sentinels.

import { EdgelogError } from "../protocol/errors.js";

const DIGITS = 16;
const OFFSET = /^\d{16}$/;

export type StreamPosition = number | "earliest" | "latest";

export function formatOffset(kafkaOffset: number): string {
  return String(kafkaOffset).padStart(DIGITS, "0");
}

export function parseOffset(raw: string | undefined): StreamPosition {
  if (raw === undefined || raw === "-1") return "earliest";
  if (raw === "now") return "latest";
  if (!OFFSET.test(raw))
    throw new EdgelogError("INVALID_REQUEST", "offset must be -1, now or an offset this server returned");
  return Number(raw);
}

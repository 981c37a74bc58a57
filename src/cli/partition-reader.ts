// Reading partitions without a group (kcat -C, rpk topic consume without -g): long-polls
// of POST /v1/fetch from offsets of our own, so a token with only consume:<topic> can
// read, and nothing is left behind on the server. Without follow, each partition is
// read up to the highWatermark it had when reading began.

import { isRetriableError, protocolError } from "../client/errors.js";
import type { KafkaMessage } from "../client/index.js";
import { type FetchedRecord, fromWire } from "../client/messages.js";
import { backoffMs, sleep } from "../client/retry.js";
import { ERROR_TABLE, type ErrorCode } from "../protocol/errors.js";
import { DEFAULT_LIMITS } from "../protocol/limits.js";
import { type Api, note } from "./context.js";

export interface ReadPosition {
  topic: string;
  partition: number;
  /** The next offset to read. */
  next: number;
  /** Where reading stops without follow. */
  end: number;
}

export interface ReadOptions {
  follow: boolean;
  /** Long-poll wait while following. */
  maxWaitMs: number;
  signal: AbortSignal;
}

type PartitionError = { code: string; message: string } & Record<string, unknown>;
type FetchEntry =
  | { topic: string; partition: number; records: FetchedRecord[]; nextOffset: number }
  | { topic: string; partition: number; error: PartitionError };

const MAX_RECORDS_PER_PARTITION = 500;
const MAX_BYTES = 1_048_576;

/** Batches of records, one partition each, until every partition reached its end (or,
 * with follow, until the signal aborts). */
export async function* readPartitions(
  api: Api,
  positions: ReadPosition[],
  options: ReadOptions,
): AsyncGenerator<KafkaMessage[], void, undefined> {
  const { follow, signal } = options;
  const maxWaitMs = follow ? options.maxWaitMs : 0;
  // Bounded by the signal while following, else by every partition reaching its end;
  // failures end it after the retry budget unless following.
  for (let round = 0, failures = 0; !signal.aborted; round++) {
    const wanted = rotate(
      follow ? positions : positions.filter((p) => p.next < p.end),
      round,
      DEFAULT_LIMITS.maxFetchPartitions,
    );
    if (wanted.length === 0) return;
    let entries: FetchEntry[] | null = null;
    let failure: unknown = null;
    try {
      const body = {
        partitions: wanted.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.next })),
        maxWaitMs,
        maxRecords: MAX_RECORDS_PER_PARTITION,
        maxBytes: MAX_BYTES,
      };
      entries = (await api.once<{ partitions: FetchEntry[] }>("POST", "/v1/fetch", body, maxWaitMs, signal)).partitions;
    } catch (error) {
      if (signal.aborted) return;
      failure = error;
    }
    for (const entry of entries ?? []) {
      const position = wanted.find((p) => p.topic === entry.topic && p.partition === entry.partition);
      if (!position) continue;
      if ("error" in entry) {
        failure = skipOrFail(position, entry.error) ?? failure;
        continue;
      }
      position.next = entry.nextOffset;
      if (entry.records.length > 0) yield entry.records.map((r) => fromWire(entry.topic, entry.partition, r));
    }
    if (failure === null) {
      failures = 0;
      continue;
    }
    if (!isRetriableError(failure) || (!follow && failures >= api.retry.retries)) throw failure;
    await sleep(backoffMs(api.retry, Math.min(failures++, api.retry.retries)), signal);
  }
}

/** A partition's error: retention passed our position (skip to the log start, as
 * kcat does), or a failure to retry or report. */
function skipOrFail(position: ReadPosition, error: PartitionError): unknown {
  const logStartOffset = error.logStartOffset;
  if (error.code === "OFFSET_OUT_OF_RANGE" && typeof logStartOffset === "number" && position.next < logStartOffset) {
    note(`${position.topic}/${position.partition}: offset ${position.next} is gone, reading from ${logStartOffset}`);
    position.next = logStartOffset;
    return null;
  }
  const status = ERROR_TABLE[error.code as ErrorCode]?.status ?? 500;
  return protocolError(status, { error });
}

/** At most `max` partitions per request, taking turns when there are more. */
function rotate<T>(items: T[], round: number, max: number): T[] {
  if (items.length <= max) return items;
  const from = (round * max) % items.length;
  return [...items.slice(from), ...items.slice(0, from)].slice(0, max);
}

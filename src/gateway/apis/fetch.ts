// Fetch (key 1), v4+: one POST /v1/fetch long-poll for every partition asked, answered
// as one uncompressed RecordBatch v2 per partition. max_wait_ms is the long-poll (capped
// at the HTTP API's 30 s), min_bytes 0 answers at once, max_bytes bounds the reply.
// No fetch sessions (KIP-227): session id 0 tells clients to send full requests.
// v13+ names topics by id, read back through the ids this gateway answered
// (topic-ids.ts); an id it never answered is UNKNOWN_TOPIC_ID, so the client asks
// Metadata again.

import type { ErrorCode } from "../../protocol/errors.js";
import type { Reader } from "../codec/reader.js";
import { writeBatch } from "../codec/record-batch.js";
import { Writer } from "../codec/writer.js";
import type { PartitionFetch } from "../edgelog-api.js";
import { KAFKA_ERROR, kafkaErrorOf } from "../kafka-errors.js";
import { type KnownTopicIds, TOPIC_ID_BYTES } from "../topic-ids.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";
import { errorCodeOf } from "./call-error.js";

/** The HTTP API's bounds on one POST /v1/fetch (docs/PROTOCOL.md). */
const MAX_HTTP_FETCH_PARTITIONS = 256;
const MAX_HTTP_FETCH_BYTES = 8 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);
const FLEXIBLE_FROM = 12;
const TOPIC_IDS_FROM = 13;

export interface Wanted {
  topic: string;
  partition: number;
  offset: number;
}

export interface PartitionAnswer {
  partition: number;
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  /** Empty, never null: librdkafka refuses a record set of size -1. */
  records: Buffer;
}

export const fetchApi: KafkaApi = {
  key: 1,
  name: "Fetch",
  minVersion: 4,
  maxVersion: 13,
  flexibleFrom: FLEXIBLE_FROM,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const asked = readFetchRequest(request, context.version, context.topicIds);
    const waitMs = asked.minBytes <= 0 ? 0 : Math.max(0, asked.maxWaitMs);
    const answers = await fetchAll(asked.wanted, waitMs, asked.maxBytes, context);
    return fetchBody(asked.topics, answers, context.version);
  },
};

export interface FetchRequest {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  topics: FetchedTopic[];
  wanted: Wanted[];
}

/** A topic as asked: by name, or (v13+) by id, whose name is null when unknown. */
export interface FetchedTopic {
  name: string | null;
  id: Buffer | null;
  partitions: number[];
}

export function readFetchRequest(request: Reader, version: number, topicIds: KnownTopicIds): FetchRequest {
  const flexible = version >= FLEXIBLE_FROM;
  request.int32(); // replica_id: consumers only
  const maxWaitMs = request.int32();
  const minBytes = request.int32();
  const maxBytes = request.int32();
  request.int8(); // isolation_level: every record is committed (no transactions)
  if (version >= 7) {
    request.int32(); // session_id
    request.int32(); // session_epoch
  }
  const wanted: Wanted[] = [];
  const topics = request.array(flexible, (topic): FetchedTopic => {
    const id = version >= TOPIC_IDS_FROM ? topic.raw(TOPIC_ID_BYTES) : null;
    const name = id === null ? topic.string(flexible) : (topicIds.nameOf(id) ?? null);
    const partitions = topic.array(flexible, (partition) => {
      const index = partition.int32();
      if (version >= 9) partition.int32(); // current_leader_epoch: leader epochs are not reported
      const offset = Number(partition.int64());
      if (version >= 12) partition.int32(); // last_fetched_epoch: followers only
      if (version >= 5) partition.int64(); // log_start_offset: followers only
      partition.int32(); // partition_max_bytes: the HTTP fetch splits max_bytes evenly
      partition.endStruct(flexible);
      if (name !== null) wanted.push({ topic: name, partition: index, offset });
      return index;
    });
    topic.endStruct(flexible);
    return { name, id, partitions };
  });
  if (version >= 7) {
    // forgotten_topics_data: meaningful only within a fetch session, which the gateway never opens
    request.array(flexible, (forgotten) => {
      if (version >= TOPIC_IDS_FROM) forgotten.raw(TOPIC_ID_BYTES);
      else forgotten.string(flexible);
      forgotten.array(flexible, (index) => index.int32());
      forgotten.endStruct(flexible);
    });
  }
  if (version >= 11) request.string(flexible); // rack_id
  request.endStruct(flexible);
  return { maxWaitMs, minBytes, maxBytes, topics, wanted };
}

async function fetchAll(
  wanted: Wanted[],
  maxWaitMs: number,
  maxBytes: number,
  context: RequestContext,
): Promise<Map<string, PartitionAnswer>> {
  const answers = new Map<string, PartitionAnswer>();
  if (wanted.length === 0) return answers;
  const bytes = Math.min(Math.max(1, maxBytes), MAX_HTTP_FETCH_BYTES);
  // More partitions than one HTTP fetch takes: the rest answer empty now and are asked next time.
  const asked = wanted.slice(0, MAX_HTTP_FETCH_PARTITIONS);
  let fetched: PartitionFetch[];
  try {
    fetched = await context.edgelog.fetch(asked, maxWaitMs, bytes);
  } catch (error) {
    const errorCode = errorCodeOf(error);
    for (const w of asked) answers.set(keyOf(w.topic, w.partition), emptyAnswer(w.partition, errorCode));
    return answers;
  }
  const offsets = new Map(asked.map((w) => [keyOf(w.topic, w.partition), w.offset]));
  for (const entry of fetched) {
    const key = keyOf(entry.topic, entry.partition);
    answers.set(key, answerOf(entry, offsets.get(key)));
  }
  return answers;
}

/** `fetchOffset`: where the fetch asked from, so a compacted gap is covered by a batch. */
function answerOf(entry: PartitionFetch, fetchOffset: number | undefined): PartitionAnswer {
  if ("error" in entry) return emptyAnswer(entry.partition, kafkaErrorOf(entry.error.code as ErrorCode));
  return {
    partition: entry.partition,
    errorCode: KAFKA_ERROR.NONE,
    highWatermark: entry.highWatermark,
    logStartOffset: entry.logStartOffset,
    records: writeBatch(
      entry.records,
      fetchOffset === undefined ? undefined : { baseOffset: fetchOffset, nextOffset: entry.nextOffset },
    ),
  };
}

function emptyAnswer(partition: number, errorCode: number): PartitionAnswer {
  return { partition, errorCode, highWatermark: -1, logStartOffset: -1, records: EMPTY };
}

export function keyOf(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

export function fetchBody(topics: FetchedTopic[], answers: Map<string, PartitionAnswer>, version: number): Writer {
  const flexible = version >= FLEXIBLE_FROM;
  const writer = new Writer().int32(NO_THROTTLE_MS);
  if (version >= 7) writer.int16(KAFKA_ERROR.NONE).int32(0);
  writer.array(topics, flexible, (topic, t) => {
    if (t.id !== null) topic.raw(t.id);
    else topic.string(t.name ?? "", flexible);
    topic.array(t.partitions, flexible, (partition, index) => {
      const answer =
        t.name === null
          ? emptyAnswer(index, KAFKA_ERROR.UNKNOWN_TOPIC_ID)
          : (answers.get(keyOf(t.name, index)) ?? emptyAnswer(index, KAFKA_ERROR.NONE));
      partition.int32(index).int16(answer.errorCode).int64(answer.highWatermark);
      partition.int64(answer.highWatermark); // last_stable_offset: no transactions, so the highWatermark
      if (version >= 5) partition.int64(answer.logStartOffset);
      partition.nullableArray(null, flexible, () => {});
      if (version >= 11) partition.int32(-1);
      partition.nullableBytes(answer.records, flexible).endStruct(flexible);
    });
    topic.endStruct(flexible);
  });
  return writer.endStruct(flexible);
}

// Produce (key 0), v0-v9, RecordBatch v2 only. Each partition's batches are checked
// (CRC-32C, magic, compression, headers) before anything of that partition is sent,
// then appended through the per-partition HTTP route, which carries the idempotent
// producer's id, epoch and sequence. Partitions fail or succeed on their own, as in Kafka.
// v0-v2 are listed because librdkafka before 2.10 compresses (gzip, snappy, lz4) only
// for a broker that lists Produce v0; their message sets (magic 0 and 1) are refused
// with UNSUPPORTED_FOR_MESSAGE_FORMAT, and every client that writes v2 batches sends v3+.

import { mapBounded } from "../../common/bounded-map.js";
import { encodeBatch, type ProduceRecord } from "../../protocol/record-codec.js";
import { decompress } from "../codec/compression.js";
import type { Reader } from "../codec/reader.js";
import { MalformedFrame } from "../codec/reader.js";
import {
  COMPRESSION_MASK,
  type KafkaRecord,
  type ProducedBatch,
  readBatches,
  readRecords,
} from "../codec/record-batch.js";
import { Writer } from "../codec/writer.js";
import type { ProduceOptions } from "../edgelog-api.js";
import { KAFKA_ERROR, type KafkaErrorName } from "../kafka-errors.js";
import type { AppendBatch, AppendSlot } from "../partition-appender.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";
import { errorCodeOf, errorMessageOf } from "./call-error.js";

/** One Produce partition may carry several batches; bounded so one request stays small. */
const MAX_BATCHES_PER_PARTITION = 64;
const FLEXIBLE_FROM = 9;

export interface PartitionData {
  index: number;
  records: Buffer | null;
}

export interface PartitionAnswer {
  index: number;
  errorCode: number;
  baseOffset: number;
  errorMessage: string | null;
}

export const produceApi: KafkaApi = {
  key: 0,
  name: "Produce",
  minVersion: 0,
  maxVersion: 9,
  flexibleFrom: FLEXIBLE_FROM,
  async handle(request: Reader, context: RequestContext): Promise<Writer | null> {
    const { transactionalId, acks, topics } = readProduceRequest(request, context.version);
    const refusal: { name: KafkaErrorName; message: string } | null =
      transactionalId !== null
        ? { name: "INVALID_REQUEST", message: "transactions are not supported" }
        : acks !== 0 && acks !== 1 && acks !== -1
          ? { name: "INVALID_REQUIRED_ACKS", message: `acks ${acks} is not 0, 1 or -1` }
          : null;
    // Every partition's place is taken here, before the first await: in arrival order.
    const appenders = context.session.appenders;
    const answers = await Promise.all(
      topics.map(async (topic) => {
        const slots = topic.partitions.map((p) => appenders.reserve(`${topic.name}\u0000${p.index}`));
        return {
          name: topic.name,
          partitions: refusal
            ? topic.partitions.map((p, i) => {
                slots[i]!.cancel();
                return failed(p.index, refusal.name, refusal.message);
              })
            : await mapBounded(
                topic.partitions.map((partition, i) => ({ partition, slot: slots[i]! })),
                context.limits.maxConcurrentCalls,
                async ({ partition, slot }) =>
                  await producePartition(topic.name, partition, acks as ProduceOptions["acks"], slot, context),
              ),
        };
      }),
    );
    if (acks === 0) return null;
    return produceBody(answers, context.version);
  },
};

export interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  topics: { name: string; partitions: PartitionData[] }[];
}

export function readProduceRequest(request: Reader, version: number): ProduceRequest {
  const flexible = version >= FLEXIBLE_FROM;
  const transactionalId = version >= 3 ? request.nullableString(flexible) : null;
  const acks = request.int16();
  request.int32(); // timeout_ms: each HTTP call has its own timeout
  const topics = request.array(flexible, (topic) => {
    const name = topic.string(flexible);
    const partitions = topic.array(flexible, (partition): PartitionData => {
      const data = { index: partition.int32(), records: partition.nullableBytes(flexible) };
      partition.endStruct(flexible);
      return data;
    });
    topic.endStruct(flexible);
    return { name, partitions };
  });
  request.endStruct(flexible);
  return { transactionalId, acks, topics };
}

async function producePartition(
  topic: string,
  partition: PartitionData,
  acks: ProduceOptions["acks"],
  slot: AppendSlot,
  context: RequestContext,
): Promise<PartitionAnswer> {
  const batches = await appendBatchesOf(partition, context.limits.maxBatchBytes);
  if (!batches.ok) {
    slot.cancel();
    return failed(partition.index, batches.code, batches.message);
  }
  const { edgelog } = context;
  const outcome = await slot.append({
    acks,
    batches: batches.batches,
    send: async (frame, producer, callAcks) =>
      await edgelog.produce(topic, partition.index, frame, { acks: callAcks, producer }),
  });
  if (!outcome.ok) {
    return {
      index: partition.index,
      errorCode: errorCodeOf(outcome.error),
      baseOffset: -1,
      errorMessage: errorMessageOf(outcome.error),
    };
  }
  return { index: partition.index, errorCode: KAFKA_ERROR.NONE, baseOffset: outcome.baseOffset, errorMessage: null };
}

type Refusal = { ok: false; code: KafkaErrorName; message: string };

/** A partition's Kafka batches, checked and made Edgelog binary batches. */
async function appendBatchesOf(
  partition: PartitionData,
  maxBatchBytes: number,
): Promise<{ ok: true; batches: AppendBatch[] } | Refusal> {
  if (partition.records === null) return { ok: false, code: "INVALID_RECORD", message: "no records" };
  const split = readBatches(partition.records, MAX_BATCHES_PER_PARTITION);
  if (!split.ok) return split;
  const batches: AppendBatch[] = [];
  for (const batch of split.batches) {
    const records = await recordsOf(batch, maxBatchBytes);
    if (!records.ok) return records;
    batches.push({
      frame: encodeBatch(records.records.map(produceRecordOf), "binary"),
      recordCount: records.records.length,
      producer: batch.producerId >= 0n ? producerOf(batch) : undefined,
    });
  }
  return { ok: true, batches };
}

type RecordsResult = { ok: true; records: KafkaRecord[] } | Refusal;

async function recordsOf(batch: ProducedBatch, maxBytes: number): Promise<RecordsResult> {
  const inflated = await decompress(batch.attributes & COMPRESSION_MASK, batch.recordsBytes, maxBytes);
  if (!inflated.ok) return inflated;
  let records: KafkaRecord[];
  try {
    records = readRecords(inflated.bytes, batch.recordCount, batch.baseTimestampMs);
  } catch (error) {
    if (error instanceof MalformedFrame) return { ok: false, code: "CORRUPT_MESSAGE", message: error.message };
    throw error;
  }
  const problem = headersProblem(records);
  return problem ? { ok: false, code: "INVALID_RECORD", message: problem } : { ok: true, records };
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Edgelog's headers are a map of UTF-8 strings: refuse what it cannot hold rather than alter it. */
function headersProblem(records: KafkaRecord[]): string | null {
  for (const record of records) {
    const seen = new Set<string>();
    for (const header of record.headers) {
      if (header.key.length === 0) return "a header with an empty name";
      if (seen.has(header.key)) return `header ${header.key} repeated in one record`;
      seen.add(header.key);
      if (header.value === null) return `header ${header.key} has a null value`;
      try {
        UTF8.decode(header.value);
      } catch {
        return `header ${header.key} is not UTF-8`;
      }
    }
  }
  return null;
}

const utf8 = new TextEncoder();

function produceRecordOf(record: KafkaRecord): ProduceRecord {
  return {
    key: record.key,
    value: record.value,
    // Null header values never get here: headersProblem refuses them.
    headers: record.headers.map((h) => [utf8.encode(h.key), h.value ?? new Uint8Array(0)]),
    timestamp: record.timestampMs >= 0 ? record.timestampMs : null,
  };
}

function producerOf(batch: ProducedBatch): NonNullable<ProduceOptions["producer"]> {
  return {
    producerId: Number(batch.producerId),
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.baseSequence,
  };
}

function failed(index: number, name: KafkaErrorName, message: string): PartitionAnswer {
  return { index, errorCode: KAFKA_ERROR[name], baseOffset: -1, errorMessage: message };
}

export function produceBody(topics: { name: string; partitions: PartitionAnswer[] }[], version: number): Writer {
  const flexible = version >= FLEXIBLE_FROM;
  const writer = new Writer();
  writer.array(topics, flexible, (topic, answer) => {
    topic.string(answer.name, flexible);
    topic.array(answer.partitions, flexible, (partition, p) => {
      partition.int32(p.index).int16(p.errorCode).int64(p.baseOffset);
      if (version >= 2) partition.int64(-1); // log_append_time_ms: records keep their CreateTime
      if (version >= 5) partition.int64(-1);
      if (version >= 8) partition.array([], flexible, () => {}).nullableString(p.errorMessage, flexible);
      partition.endStruct(flexible);
    });
    topic.endStruct(flexible);
  });
  if (version >= 1) writer.int32(NO_THROTTLE_MS);
  return writer.endStruct(flexible);
}

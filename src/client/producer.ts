// The producer (kafkajs' producer(), with Kafka's batching and idempotence): send()
// and sendBatch() queue messages per partition, the server's partitioner picks
// partitions, batches go to the per-partition route one at a time per partition,
// retried on retriable errors only, each stamped with producerId, producerEpoch and
// baseSequence so a retry is never appended twice.

import type { ProduceAnswer } from "../protocol/answers.js";
import { BATCH_MEDIA_TYPE } from "../protocol/batch-frame.js";
import { ERROR_TABLE } from "../protocol/errors.js";
import { partitionForKey } from "../protocol/partitioner.js";
import { encodeBatch, type ProduceRecord } from "../protocol/record-codec.js";
import { illFormedText } from "../protocol/record-text.js";
import { clientError, EdgelogClientError, EdgelogProtocolError, hasCode } from "./errors.js";
import {
  encodingOf,
  type Message,
  messageSizeBytes,
  type ProduceEncoding,
  type RecordMetadata,
  toStored,
  toWire,
} from "./messages.js";
import { PartitionBatcher, type PendingBatch } from "./partition-batcher.js";
import { ProducerSession } from "./producer-session.js";
import { type RetryOptions, withRetry } from "./retry.js";
import type { TopicMetadataCache } from "./topic-metadata.js";
import { segment, type Transport } from "./transport.js";

export type Acks = "all" | 1 | 0;

export interface ProducerOptions {
  /** Stamp batches with producerId/producerEpoch/baseSequence (Kafka's
   * enable.idempotence); needs acks "all". Default true. */
  idempotent?: boolean;
  /** Default "all". */
  acks?: Acks;
  /** How long a batch waits for more messages before it leaves. Default 5 (Kafka 4). */
  lingerMs?: number;
  /** Records per partition batch (one request), 1..10,000. Default 1,000. */
  batchSize?: number;
  /** Bytes per partition batch, by the server's record size rule. Default 1 MiB. */
  maxBatchBytes?: number;
  /** The server's per-record limit, checked before a message joins a batch so one
   * oversized message cannot fail the messages batched with it. Default 1 MiB. */
  maxRecordBytes?: number;
  /** Records queued and in flight across partitions before send() refuses more
   * with BUFFER_EXHAUSTED (Kafka's buffer.memory). Default 100,000. */
  maxBufferedRecords?: number;
  /** Send batches of binary messages (a Uint8Array key or value) as binary batches
   * (application/vnd.edgelog.batch) rather than base64 in JSON: the same records
   * stored, without base64. JSON messages still travel as JSON. Needs a server that
   * takes binary batches. Default false. */
  binaryBatches?: boolean;
  retry?: Partial<RetryOptions>;
}

export interface ProducerRecord {
  topic: string;
  messages: Message[];
}

const MAX_BATCH_RECORDS = 10_000;
const MiB = 1024 * 1024;

interface Placed {
  topic: string;
  partition: number;
  batch: PendingBatch;
  index: number;
}

export class Producer {
  private readonly batchers = new Map<string, PartitionBatcher>();
  private readonly session: ProducerSession;
  private readonly options: Required<Omit<ProducerOptions, "retry">>;
  private bufferedRecords = 0;
  /** The previous send's turn to join batches. */
  private enqueueing: Promise<void> = Promise.resolve();
  private closed = false;
  /** Set when another producer with this producerId fenced this one: nothing more can be sent. */
  private fatal: EdgelogClientError | null = null;

  constructor(
    private readonly transport: Transport,
    private readonly metadata: TopicMetadataCache,
    private readonly retry: RetryOptions,
    options: ProducerOptions = {},
  ) {
    this.options = {
      idempotent: options.idempotent ?? true,
      acks: options.acks ?? "all",
      lingerMs: options.lingerMs ?? 5,
      batchSize: options.batchSize ?? 1_000,
      maxBatchBytes: options.maxBatchBytes ?? MiB,
      maxRecordBytes: options.maxRecordBytes ?? MiB,
      maxBufferedRecords: options.maxBufferedRecords ?? 100_000,
      binaryBatches: options.binaryBatches ?? false,
    };
    const { batchSize, idempotent, acks } = this.options;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_RECORDS) {
      throw new RangeError(`batchSize must be 1..${MAX_BATCH_RECORDS}`);
    }
    if (idempotent && acks !== "all") {
      throw new RangeError('an idempotent producer needs acks "all" (or set idempotent: false)');
    }
    this.session = new ProducerSession(transport, retry);
  }

  /** The producer's identity once connected (idempotent producers only). */
  get identity() {
    return this.session.current;
  }

  /** Gets a producerId (idempotent producers); send() connects on first use otherwise. */
  async connect(): Promise<void> {
    this.assertOpen();
    if (this.options.idempotent) await this.session.init();
  }

  /** Resolves once every message is in the log (per acks), with each one's partition
   * and offset, in the order given. Rejects with the first batch failure. */
  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    return await this.sendBatch({ topicMessages: [record] });
  }

  async sendBatch({ topicMessages }: { topicMessages: ProducerRecord[] }): Promise<RecordMetadata[]> {
    this.assertOpen();
    // Counted before any await, so a burst of un-awaited sends meets the bound too.
    const total = topicMessages.reduce((n, t) => n + t.messages.length, 0);
    if (this.bufferedRecords + total > this.options.maxBufferedRecords) {
      throw clientError(
        "BUFFER_EXHAUSTED",
        `${this.bufferedRecords} records are buffered; ${total} more would pass maxBufferedRecords (${this.options.maxBufferedRecords})`,
      );
    }
    this.bufferedRecords += total;
    // Calls join their batches in the order they were made (Kafka's send order), even
    // though routing awaits metadata: each waits for the previous call's turn.
    const turn = this.enqueueing.then(() => this.enqueue(topicMessages));
    this.enqueueing = turn.then(
      () => {},
      () => {},
    );
    let placed: Placed[];
    try {
      placed = await turn;
    } catch (error) {
      this.bufferedRecords -= total;
      throw error;
    }
    const results: RecordMetadata[] = [];
    for (const { topic, partition, batch, index } of placed) {
      results.push({ topic, partition, offset: (await batch.offsets)[index]! });
    }
    return results;
  }

  /** Routes every message, then appends them all to their partitions' batches. */
  private async enqueue(topicMessages: ProducerRecord[]): Promise<Placed[]> {
    await this.connect();
    const routed = await Promise.all(topicMessages.map((t) => this.route(t)));
    const placed: Placed[] = [];
    for (const [i, { topic, messages }] of topicMessages.entries()) {
      for (const [j, message] of messages.entries()) {
        const partition = routed[i]![j]!;
        const encoding = this.encodingOf(message);
        const record = encoding === "batch" ? toStored(message) : toWire(message, encoding);
        const slot = this.batcher(topic, partition).append(record, encoding, messageSizeBytes(message));
        placed.push({ topic, partition, ...slot });
      }
    }
    return placed;
  }

  private encodingOf(message: Message): ProduceEncoding {
    const encoding = encodingOf(message);
    return encoding === "base64" && this.options.binaryBatches ? "batch" : encoding;
  }

  /** Sends every queued batch now (sends still routing first join theirs) and waits for them. */
  async flush(): Promise<void> {
    await this.enqueueing;
    await Promise.all([...this.batchers.values()].map((b) => b.flush()));
  }

  /** Flushes, then refuses further sends. */
  async disconnect(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
  }

  /** Each message's partition: its own, else murmur2 of its key, else one random
   * partition for all the keyless messages of this call (as the server does). Checks
   * partitions, text and sizes first, so no bad message joins a shared batch. */
  private async route({ topic, messages }: ProducerRecord): Promise<number[]> {
    let count = await this.metadata.partitionCount(topic);
    const highest = messages.reduce((max, m) => Math.max(max, m.partition ?? -1), -1);
    if (highest >= count) count = await this.metadata.partitionCount(topic, true);
    if (highest >= count) {
      throw new EdgelogProtocolError(
        404,
        "UNKNOWN_TOPIC_OR_PARTITION",
        `partition ${highest} of ${topic} does not exist (${count} partitions)`,
        false,
        {},
      );
    }
    const keyless = Math.floor(Math.random() * count);
    return messages.map((message, i) => {
      // What the server would refuse (a key or header UTF-8 cannot hold) is refused here
      // with its answer, before it hashes to a partition or joins a shared batch.
      const illFormed = illFormedText(message.key, message.headers, `messages[${i}]`);
      if (illFormed) {
        throw new EdgelogProtocolError(ERROR_TABLE.INVALID_RECORD.status, "INVALID_RECORD", illFormed, false, {});
      }
      const size = messageSizeBytes(message);
      if (size > this.options.maxRecordBytes) {
        throw new EdgelogProtocolError(
          413,
          "MESSAGE_TOO_LARGE",
          `a message of ${size} bytes is over maxRecordBytes (${this.options.maxRecordBytes})`,
          false,
          {},
        );
      }
      if (message.partition !== undefined) return message.partition;
      if (message.key === undefined || message.key === null) return keyless;
      return partitionForKey(message.key, count);
    });
  }

  private batcher(topic: string, partition: number): PartitionBatcher {
    const key = `${topic}\u0000${partition}`;
    let batcher = this.batchers.get(key);
    if (!batcher) {
      batcher = new PartitionBatcher(
        this.options,
        (batch) => this.sendPartitionBatch(topic, partition, key, batch),
        (count) => {
          this.bufferedRecords -= count;
        },
      );
      this.batchers.set(key, batcher);
    }
    return batcher;
  }

  private async sendPartitionBatch(
    topic: string,
    partition: number,
    key: string,
    batch: PendingBatch,
  ): Promise<number[]> {
    try {
      return await this.sendStamped(topic, partition, key, batch);
    } catch (error) {
      // Refused before anything was appended, so it may go once more, under the new
      // producerId that the session then asks for.
      if (!hasCode(error, "UNKNOWN_PRODUCER_ID")) throw error;
      return await this.sendStamped(topic, partition, key, batch);
    }
  }

  private async sendStamped(topic: string, partition: number, key: string, batch: PendingBatch): Promise<number[]> {
    if (this.fatal) throw this.fatal;
    const stamp = this.options.idempotent ? await this.session.stamp(key) : null;
    const acks = this.options.acks === "all" ? "all" : String(this.options.acks);
    const path = `/v1/topics/${segment(topic)}/partitions/${partition}/records?acks=${acks}`;
    const { body, query, contentType } = requestOf(batch, stamp);
    try {
      // The same body, so the same baseSequence, on every attempt.
      const answer = await withRetry(this.retry, () =>
        this.transport.request<Partial<ProduceAnswer>>("POST", `${path}${query}`, body, { contentType }),
      );
      if (stamp) this.session.acknowledged(key, stamp, batch.records.length);
      // acks=0 answers {} (no offsets); one partition's answer otherwise holds only offsets.
      return answer.results?.map((r) => ("offset" in r ? r.offset : -1)) ?? batch.records.map(() => -1);
    } catch (error) {
      if (stamp) this.session.failed(error, stamp);
      if (hasCode(error, "INVALID_PRODUCER_EPOCH") && error instanceof EdgelogClientError) this.fatal = error;
      throw error;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw clientError("CLIENT_CLOSED", "the producer is disconnected");
    if (this.fatal) throw this.fatal;
  }
}

/** A batch's request: a JSON body with the producer's stamp, or a binary batch with the
 * stamp in the query. */
function requestOf(
  batch: PendingBatch,
  stamp: { producerId: number; producerEpoch: number; baseSequence: number } | null,
): { body: unknown; query: string; contentType: string } {
  if (batch.encoding !== "batch") {
    const body = { records: batch.records, encoding: batch.encoding, ...stamp };
    return { body, query: "", contentType: "application/json" };
  }
  const query = stamp
    ? `&producerId=${stamp.producerId}&producerEpoch=${stamp.producerEpoch}&baseSequence=${stamp.baseSequence}`
    : "";
  return { body: encodeBatch(batch.records as ProduceRecord[], "binary"), query, contentType: BATCH_MEDIA_TYPE };
}

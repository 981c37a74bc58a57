// The arguments kafkajs passes to eachMessage and eachBatch, built from Edgelog's:
// kafkajs messages, string offsets, the batch's lag helpers and pause().

import type { Consumer as EdgelogConsumer } from "../consumer.js";
import type {
  EachBatchPayload as EdgelogBatchPayload,
  EachMessagePayload as EdgelogMessagePayload,
} from "../consumer-types.js";
import { KafkaJSNotImplemented, kafkajsCall } from "./errors.js";
import { type KafkaMessage, toKafkaMessage } from "./messages.js";

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

export interface EachMessagePayload {
  topic: string;
  partition: number;
  message: KafkaMessage;
  heartbeat(): Promise<void>;
  /** Pauses this partition (the rest of the batch waits); returns its resume. */
  pause(): () => void;
}

export interface Batch {
  topic: string;
  partition: number;
  highWatermark: string;
  messages: KafkaMessage[];
  isEmpty(): boolean;
  firstOffset(): string | null;
  lastOffset(): string;
  offsetLag(): string;
  offsetLagLow(): string;
}

export interface EachBatchPayload {
  batch: Batch;
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  pause(): () => void;
  commitOffsetsIfNecessary(offsets?: {
    topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
  }): Promise<void>;
  uncommittedOffsets(): never;
  isRunning(): boolean;
  isStale(): boolean;
}

function pauser(consumer: EdgelogConsumer, topic: string, partition: number): () => () => void {
  return () => {
    consumer.pause([{ topic, partitions: [partition] }]);
    return () => consumer.resume([{ topic, partitions: [partition] }]);
  };
}

export function messagePayload(consumer: EdgelogConsumer, payload: EdgelogMessagePayload): EachMessagePayload {
  const { topic, partition } = payload;
  return {
    topic,
    partition,
    message: toKafkaMessage(payload.message),
    heartbeat: payload.heartbeat,
    pause: pauser(consumer, topic, partition),
  };
}

export function batchPayload(consumer: EdgelogConsumer, payload: EdgelogBatchPayload): EachBatchPayload {
  const { topic, partition, highWatermark } = payload.batch;
  const messages = payload.batch.messages.map(toKafkaMessage);
  const first = messages[0]?.offset ?? null;
  const last = messages.at(-1)?.offset ?? String(highWatermark - 1);
  const batch: Batch = {
    topic,
    partition,
    highWatermark: String(highWatermark),
    messages,
    isEmpty: () => messages.length === 0,
    firstOffset: () => first,
    lastOffset: () => last,
    offsetLag: () => String(Math.max(0, highWatermark - 1 - Number(last))),
    offsetLagLow: () => String(Math.max(0, highWatermark - 1 - Number(first ?? last))),
  };
  return {
    batch,
    resolveOffset: (offset) => payload.resolveOffset(Number(offset)),
    heartbeat: payload.heartbeat,
    pause: pauser(consumer, topic, partition),
    commitOffsetsIfNecessary: async (offsets) => {
      if (!offsets) return await kafkajsCall(() => payload.commitOffsetsIfNecessary());
      const chosen = offsets.topics.flatMap((t) =>
        t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: Number(p.offset) })),
      );
      await kafkajsCall(() => consumer.commitOffsets(chosen));
    },
    uncommittedOffsets: () => {
      throw new KafkaJSNotImplemented(
        "uncommittedOffsets() is not supported by Edgelog: use commitOffsetsIfNecessary()",
      );
    },
    isRunning: payload.isRunning,
    isStale: payload.isStale,
  };
}

// kafkajs' group consumer over Edgelog's: subscribe with names or RegExps (matched
// against the topics that exist at subscribe time, as kafkajs does), run() with
// eachMessage or eachBatch, seek before the partition arrives, stop() and run again.
// Partitions are assigned by Edgelog's coordinator (KIP-848), so partitionAssigners
// are refused.

import { partitionKey } from "../../protocol/assignment.js";
import type { Consumer as EdgelogConsumer } from "../consumer.js";
import type { ConsumerEvents as EdgelogEvents } from "../consumer-events.js";
import type { Edgelog } from "../edgelog.js";
import type { KafkaAdmin } from "./admin.js";
import { type RetryOptions, retryOptions } from "./config.js";
import {
  batchPayload,
  type EachBatchPayload,
  type EachMessagePayload,
  messagePayload,
  type TopicPartitionOffset,
} from "./consumer-payloads.js";
import { KafkaJSNonRetriableError, kafkajsCall, toKafkaJSError } from "./errors.js";
import { Instrumentation } from "./instrumentation.js";
import type { Logger } from "./logger.js";

export interface ConsumerConfig {
  groupId: string;
  sessionTimeout?: number;
  rebalanceTimeout?: number;
  maxWaitTimeInMs?: number;
  maxBytes?: number;
  retry?: RetryOptions;
  partitionAssigners?: unknown[];
  [option: string]: unknown;
}

export interface ConsumerRunConfig {
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  autoCommit?: boolean;
  autoCommitInterval?: number | null;
  autoCommitThreshold?: number | null;
  eachBatchAutoResolve?: boolean;
  partitionsConsumedConcurrently?: number;
}

export const CONSUMER_EVENTS = {
  GROUP_JOIN: "consumer.group_join",
  COMMIT_OFFSETS: "consumer.commit_offsets",
  FETCH: "consumer.fetch",
  START_BATCH_PROCESS: "consumer.start_batch_process",
  END_BATCH_PROCESS: "consumer.end_batch_process",
  CONNECT: "consumer.connect",
  DISCONNECT: "consumer.disconnect",
  STOP: "consumer.stop",
  CRASH: "consumer.crash",
} as const;
type ConsumerEventName = (typeof CONSUMER_EVENTS)[keyof typeof CONSUMER_EVENTS];

/** Seeks wait for their partition at most this many at a time. */
const MAX_PENDING_SEEKS = 10_000;

export class Consumer {
  readonly events = CONSUMER_EVENTS;
  private readonly instrumentation = new Instrumentation<ConsumerEventName>(CONSUMER_EVENTS);
  private readonly topics = new Set<string>();
  private fromBeginning = false;
  private inner: EdgelogConsumer | null = null;
  private readonly pendingSeeks = new Map<string, TopicPartitionOffset>();

  constructor(
    private readonly edgelog: Edgelog,
    private readonly admin: KafkaAdmin,
    private readonly log: Logger,
    private readonly config: ConsumerConfig,
  ) {
    if (typeof config?.groupId !== "string") throw new KafkaJSNonRetriableError("Consumer groupId must be a string");
    if (config.partitionAssigners !== undefined) {
      throw new KafkaJSNonRetriableError(
        "partitionAssigners are not supported by Edgelog: its group coordinator assigns partitions (KIP-848)",
      );
    }
  }

  async connect(): Promise<void> {
    this.instrumentation.emit(CONSUMER_EVENTS.CONNECT, null);
  }

  async subscribe(subscription: { topic?: string | RegExp; topics?: (string | RegExp)[]; fromBeginning?: boolean }) {
    const wanted = subscription.topics ?? (subscription.topic === undefined ? [] : [subscription.topic]);
    if (wanted.length === 0) throw new KafkaJSNonRetriableError('Missing required argument "topics"');
    const patterns = wanted.filter((t): t is RegExp => t instanceof RegExp);
    const existing = patterns.length > 0 ? await this.admin.listTopics() : [];
    for (const topic of wanted) {
      if (typeof topic === "string") this.topics.add(topic);
      else for (const name of existing.filter((n) => topic.test(n))) this.topics.add(name);
    }
    if (subscription.fromBeginning) this.fromBeginning = true;
  }

  async run(config: ConsumerRunConfig = {}): Promise<void> {
    if (config.autoCommitThreshold) {
      throw new KafkaJSNonRetriableError("autoCommitThreshold is not supported by Edgelog: use autoCommitInterval");
    }
    if ((config.partitionsConsumedConcurrently ?? 1) > 1) {
      this.log.warn("partitionsConsumedConcurrently: Edgelog hands batches over one at a time, in fetch order");
    }
    const inner = this.current();
    await kafkajsCall(() => inner.subscribe({ topics: [...this.topics], fromBeginning: this.fromBeginning }));
    const { eachMessage, eachBatch } = config;
    const autoResolve = config.eachBatchAutoResolve ?? true;
    await kafkajsCall(() =>
      inner.run({
        eachMessage: eachMessage && ((payload) => eachMessage(messagePayload(inner, payload))),
        eachBatch: eachBatch && ((payload) => this.batch(inner, eachBatch, payload)),
        eachBatchAutoResolve: autoResolve,
        ...(config.autoCommit === undefined ? {} : { autoCommit: config.autoCommit }),
        ...(typeof config.autoCommitInterval === "number" ? { autoCommitIntervalMs: config.autoCommitInterval } : {}),
      }),
    );
  }

  async commitOffsets(offsets: TopicPartitionOffset[]): Promise<void> {
    const inner = this.inner;
    if (!inner) throw new KafkaJSNonRetriableError("commitOffsets needs a running consumer");
    await kafkajsCall(() => inner.commitOffsets(offsets.map((o) => ({ ...o, offset: Number(o.offset) }))));
  }

  /** Applied at once when the partition is held, else when it is assigned. */
  seek(seek: TopicPartitionOffset): void {
    const offset = Number(seek.offset);
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new KafkaJSNonRetriableError(`Offset must be a non-negative number, not ${seek.offset}`);
    }
    const held = this.inner?.assignment().some((p) => p.topic === seek.topic && p.partition === seek.partition);
    if (held) {
      this.inner!.seek({ topic: seek.topic, partition: seek.partition, offset });
      return;
    }
    if (this.pendingSeeks.size >= MAX_PENDING_SEEKS)
      throw new RangeError(`more than ${MAX_PENDING_SEEKS} pending seeks`);
    this.pendingSeeks.set(partitionKey(seek.topic, seek.partition), seek);
  }

  pause(topics: { topic: string; partitions?: number[] }[]): void {
    this.current().pause(topics);
  }

  resume(topics: { topic: string; partitions?: number[] }[]): void {
    this.current().resume(topics);
  }

  paused(): { topic: string; partitions: number[] }[] {
    const byTopic = new Map<string, number[]>();
    for (const { topic, partition } of this.inner?.assignment() ?? []) {
      if (!this.inner!.isPaused(topic, partition)) continue;
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
    }
    return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
  }

  async describeGroup() {
    const { groups } = await this.admin.describeGroups([this.config.groupId]);
    return groups[0]!;
  }

  /** Leaves the group (after committing, with autoCommit); run() may start it again. */
  async stop(): Promise<void> {
    const inner = this.inner;
    this.inner = null;
    if (inner) await kafkajsCall(() => inner.disconnect());
    this.instrumentation.emit(CONSUMER_EVENTS.STOP, null);
  }

  async disconnect(): Promise<void> {
    await this.stop();
    this.instrumentation.emit(CONSUMER_EVENTS.DISCONNECT, null);
  }

  on(type: ConsumerEventName, listener: (event: unknown) => void): () => void {
    return this.instrumentation.on(type, listener);
  }

  logger(): Logger {
    return this.log;
  }

  /** The Edgelog consumer of this run, made on first use. */
  private current(): EdgelogConsumer {
    if (this.inner) return this.inner;
    const { config } = this;
    const inner = this.edgelog.consumer({
      groupId: config.groupId,
      sessionTimeoutMs: config.sessionTimeout,
      rebalanceTimeoutMs: config.rebalanceTimeout,
      ...(config.maxWaitTimeInMs === undefined ? {} : { maxWaitMs: config.maxWaitTimeInMs }),
      ...(config.maxBytes === undefined ? {} : { maxBytes: config.maxBytes }),
      ...(config.retry === undefined ? {} : { retry: retryOptions(config.retry) }),
    });
    this.forward(inner);
    this.inner = inner;
    return inner;
  }

  private forward(inner: EdgelogConsumer): void {
    const groupId = this.config.groupId;
    inner.on("consumer.group_join", (event: EdgelogEvents["consumer.group_join"]) => {
      this.applyPendingSeeks(inner);
      this.instrumentation.emit(CONSUMER_EVENTS.GROUP_JOIN, {
        groupId,
        memberId: event.memberId,
        leaderId: null,
        isLeader: false,
        memberAssignment: event.assignment,
        groupProtocol: "consumer",
        duration: 0,
      });
    });
    inner.on("consumer.commit_offsets", ({ offsets }) => {
      const topics = [...new Set(offsets.map((o) => o.topic))].map((topic) => ({
        topic,
        partitions: offsets
          .filter((o) => o.topic === topic)
          .map((o) => ({ partition: String(o.partition), offset: String(o.offset) })),
      }));
      this.instrumentation.emit(CONSUMER_EVENTS.COMMIT_OFFSETS, { groupId, topics });
    });
    inner.on("consumer.fetch", ({ numberOfBatches }) => {
      this.instrumentation.emit(CONSUMER_EVENTS.FETCH, { numberOfBatches, duration: 0 });
    });
    inner.on("consumer.crash", ({ error }) => {
      // The crashed consumer has left its group: the next run() joins with a new one.
      if (this.inner === inner) this.inner = null;
      const converted = toKafkaJSError(error);
      this.log.error(`Crash: ${(converted as Error)?.name}: ${(converted as Error)?.message}`, { groupId });
      this.instrumentation.emit(CONSUMER_EVENTS.CRASH, { error: converted, groupId, restart: false });
    });
  }

  private applyPendingSeeks(inner: EdgelogConsumer): void {
    for (const { topic, partition } of inner.assignment()) {
      const seek = this.pendingSeeks.get(partitionKey(topic, partition));
      if (!seek) continue;
      this.pendingSeeks.delete(partitionKey(topic, partition));
      inner.seek({ topic, partition, offset: Number(seek.offset) });
    }
  }

  private async batch(
    inner: EdgelogConsumer,
    eachBatch: (payload: EachBatchPayload) => Promise<void>,
    payload: Parameters<typeof batchPayload>[1],
  ): Promise<void> {
    const { topic, partition, highWatermark, messages } = payload.batch;
    const info = { topic, partition, highWatermark: String(highWatermark), batchSize: messages.length };
    this.instrumentation.emit(CONSUMER_EVENTS.START_BATCH_PROCESS, info);
    await eachBatch(batchPayload(inner, payload));
    this.instrumentation.emit(CONSUMER_EVENTS.END_BATCH_PROCESS, info);
  }
}

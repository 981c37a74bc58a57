// kafkajs' producer over Edgelog's: send and sendBatch answer per partition with
// string offsets, `acks` is chosen per call (-1, 1, 0), a topic that does not exist is
// created as a broker with auto.create.topics.enable would, and transactions are
// refused, since Edgelog has none.

import type { Admin } from "../admin.js";
import type { Edgelog } from "../edgelog.js";
import { hasCode } from "../errors.js";
import type { RecordMetadata as EdgelogRecordMetadata } from "../messages.js";
import type { Acks, Producer as EdgelogProducer, ProducerOptions } from "../producer.js";
import type { RetryOptions } from "./config.js";
import { KafkaJSNonRetriableError, kafkajsCall, refused } from "./errors.js";
import { Instrumentation } from "./instrumentation.js";
import type { Logger } from "./logger.js";
import { type Message, toEdgelogMessage } from "./messages.js";

export interface ProducerConfig {
  idempotent?: boolean;
  transactionalId?: string;
  allowAutoTopicCreation?: boolean;
  /** Only kafkajs' default (Java-compatible murmur2) partitioner exists in Edgelog. */
  createPartitioner?: unknown;
  retry?: RetryOptions;
  [option: string]: unknown;
}

export interface ProducerRecord {
  topic: string;
  messages: Message[];
  acks?: number;
  timeout?: number;
  compression?: number;
}

export interface ProducerBatch {
  topicMessages: { topic: string; messages: Message[] }[];
  acks?: number;
  timeout?: number;
  compression?: number;
}

export interface RecordMetadata {
  topicName: string;
  partition: number;
  errorCode: number;
  baseOffset: string;
  logAppendTime: string;
  logStartOffset: string;
}

export const PRODUCER_EVENTS = { CONNECT: "producer.connect", DISCONNECT: "producer.disconnect" } as const;
type ProducerEventName = (typeof PRODUCER_EVENTS)[keyof typeof PRODUCER_EVENTS];

export class Producer {
  readonly events = PRODUCER_EVENTS;
  private readonly instrumentation = new Instrumentation<ProducerEventName>(PRODUCER_EVENTS);
  /** One Edgelog producer per acks setting in use (at most three). */
  private readonly byAcks = new Map<Acks, EdgelogProducer>();
  private readonly idempotent: boolean;
  private readonly autoCreate: boolean;

  constructor(
    private readonly edgelog: Edgelog,
    private readonly admin: Admin,
    private readonly log: Logger,
    config: ProducerConfig,
    private readonly extra: Pick<ProducerOptions, "retry">,
  ) {
    if (config.transactionalId !== undefined) {
      throw new KafkaJSNonRetriableError(
        "transactionalId is not supported by Edgelog: it has no transactions (use idempotent: true for exactly-once appends)",
      );
    }
    this.idempotent = config.idempotent ?? false;
    this.autoCreate = config.allowAutoTopicCreation ?? true;
  }

  async connect(): Promise<void> {
    await kafkajsCall(() => this.producer(-1).connect());
    this.instrumentation.emit(PRODUCER_EVENTS.CONNECT, null);
  }

  async disconnect(): Promise<void> {
    await kafkajsCall(() => Promise.all([...this.byAcks.values()].map((p) => p.disconnect())));
    this.instrumentation.emit(PRODUCER_EVENTS.DISCONNECT, null);
  }

  isIdempotent(): boolean {
    return this.idempotent;
  }

  async send({ topic, messages, acks }: ProducerRecord): Promise<RecordMetadata[]> {
    return await this.sendBatch({ topicMessages: [{ topic, messages }], acks });
  }

  async sendBatch({ topicMessages, acks = -1 }: ProducerBatch): Promise<RecordMetadata[]> {
    const producer = this.producer(acks);
    const records = topicMessages.map(({ topic, messages }) => ({ topic, messages: messages.map(toEdgelogMessage) }));
    return await kafkajsCall(async () => {
      try {
        return perPartition(await producer.sendBatch({ topicMessages: records }));
      } catch (error) {
        // A topic did not exist: routing (which precedes batching) failed, so nothing of
        // this call was appended and it may be sent again once the topic is created.
        if (!this.autoCreate || !hasCode(error, "UNKNOWN_TOPIC_OR_PARTITION")) throw error;
        if (!(await this.createMissing(records.map((r) => r.topic)))) throw error;
        return perPartition(await producer.sendBatch({ topicMessages: records }));
      }
    });
  }

  transaction(): Promise<never> {
    return refused("producer.transaction()", "Edgelog has no transactions");
  }

  on(type: ProducerEventName, listener: (event: unknown) => void): () => void {
    return this.instrumentation.on(type, listener);
  }

  logger(): Logger {
    return this.log;
  }

  private producer(acks: number): EdgelogProducer {
    const mapped = acksOf(acks);
    if (this.idempotent && mapped !== "all") {
      throw new KafkaJSNonRetriableError(
        "Not requiring ack for all messages invalidates the idempotent producer's EoS guarantees",
      );
    }
    let producer = this.byAcks.get(mapped);
    if (!producer) {
      producer = this.edgelog.producer({ ...this.extra, acks: mapped, idempotent: this.idempotent });
      this.byAcks.set(mapped, producer);
    }
    return producer;
  }

  /** Creates the topics that do not exist (one partition, the server's defaults);
   * false when all of them existed, so the failure was something else. */
  private async createMissing(topics: string[]): Promise<boolean> {
    let created = false;
    for (const topic of new Set(topics)) {
      try {
        await this.admin.createTopic(topic);
        this.log.info(`created topic ${topic} (allowAutoTopicCreation)`, { topic });
        created = true;
      } catch (error) {
        if (!hasCode(error, "TOPIC_ALREADY_EXISTS")) throw error;
      }
    }
    return created;
  }
}

function acksOf(acks: number): Acks {
  if (acks === -1) return "all";
  if (acks === 1 || acks === 0) return acks;
  throw new KafkaJSNonRetriableError(`acks must be -1, 1 or 0, not ${acks}`);
}

/** kafkajs answers one entry per partition written, with the first offset written. */
function perPartition(results: EdgelogRecordMetadata[]): RecordMetadata[] {
  const first = new Map<string, EdgelogRecordMetadata>();
  for (const result of results) {
    const key = `${result.topic}\u0000${result.partition}`;
    const seen = first.get(key);
    if (!seen || (result.offset >= 0 && result.offset < seen.offset)) first.set(key, result);
  }
  return [...first.values()].map(({ topic, partition, offset }) => ({
    topicName: topic,
    partition,
    errorCode: 0,
    baseOffset: String(offset),
    logAppendTime: "-1",
    logStartOffset: "-1",
  }));
}

// `@edgelog/client/kafkajs`: kafkajs' API over Edgelog. Code written for kafkajs runs
// with its import changed and its brokers pointed at Edgelog's URL; docs/SDK.md lists
// every kafkajs method as supported, different or refused.

export { ConfigResourceTypes, type ITopicConfig, KafkaAdmin as Admin, type SeekEntry } from "./admin.js";
export type { KafkaConfig, RetryOptions, SASLOptions } from "./config.js";
export { Consumer, type ConsumerConfig, type ConsumerRunConfig } from "./consumer.js";
export type { Batch, EachBatchPayload, EachMessagePayload, TopicPartitionOffset } from "./consumer-payloads.js";
export {
  KafkaJSConnectionError,
  KafkaJSDeleteGroupsError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNotImplemented,
  KafkaJSOffsetOutOfRange,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
} from "./errors.js";
export type { InstrumentationEvent } from "./instrumentation.js";
export { Kafka } from "./kafka.js";
export { type LogEntry, type Logger, type LogLevel, type logCreator, logLevel } from "./logger.js";
export type { IHeaders, KafkaMessage, Message } from "./messages.js";
export { type ICustomPartitioner, Partitioners } from "./partitioners.js";
export {
  Producer,
  type ProducerBatch,
  type ProducerConfig,
  type ProducerRecord,
  type RecordMetadata,
} from "./producer.js";

/** kafkajs' codecs: HTTP carries records uncompressed, so every choice sends them as is. */
export const CompressionTypes = { None: 0, GZIP: 1, Snappy: 2, LZ4: 3, ZSTD: 4 } as const;

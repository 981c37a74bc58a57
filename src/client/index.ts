// The Edgelog SDK: a kafkajs-shaped client over the HTTP API, fetch only.

export type { Assignment, GroupDescription, GroupState, OffsetWithLag } from "../protocol/group.js";
export { partitionForKey } from "../protocol/partitioner.js";
export type { TopicConfig, TopicDescription, TopicListing } from "../protocol/topic.js";
export type { CreateTopicOptions, GroupDetails, ResetTarget, TopicConfigPatch } from "./admin.js";
export { Admin } from "./admin.js";
export { Consumer } from "./consumer.js";
export type { ConsumerEventName, ConsumerEvents } from "./consumer-events.js";
export type { Batch, ConsumerOptions, EachBatchPayload, EachMessagePayload, RunOptions } from "./consumer-types.js";
export type { EdgelogConfig } from "./edgelog.js";
export { Edgelog } from "./edgelog.js";
export type { ClientErrorCode } from "./errors.js";
export { EdgelogClientError, EdgelogProtocolError } from "./errors.js";
export type { StreamOptions } from "./live-tail.js";
export type { Headers, KafkaMessage, Message, RecordMetadata } from "./messages.js";
export type { TopicPartitionOffset } from "./positions.js";
export type { Acks, ProducerOptions, ProducerRecord } from "./producer.js";
export { Producer } from "./producer.js";
export type { RetryOptions } from "./retry.js";
export type { FetchFunction } from "./transport.js";

// The group consumer's public types (kafkajs' shapes): its options, the batches it
// hands over and the payloads of run()'s handlers.

import type { MembershipOptions } from "./group-member.js";
import type { KafkaMessage } from "./messages.js";
import type { RetryOptions } from "./retry.js";

export interface ConsumerOptions extends MembershipOptions {
  groupId: string;
  /** Longest long-poll; capped at heartbeatIntervalMs so rebalances are seen in time. Default 5,000. */
  maxWaitMs?: number;
  /** Bytes per fetch answer. Default 1 MiB. */
  maxBytes?: number;
  /** Records per partition per fetch. Default 500. */
  maxRecords?: number;
  /** Defaults for run() and the async iterator. */
  autoCommit?: boolean;
  autoCommitIntervalMs?: number;
  retry?: Partial<RetryOptions>;
}

export interface Batch {
  topic: string;
  partition: number;
  highWatermark: number;
  messages: KafkaMessage[];
}

export interface EachMessagePayload {
  topic: string;
  partition: number;
  message: KafkaMessage;
  heartbeat(): Promise<void>;
}

export interface EachBatchPayload {
  batch: Batch;
  /** Marks the message at `offset` (and those before it) processed. */
  resolveOffset(offset: number): void;
  heartbeat(): Promise<void>;
  commitOffsetsIfNecessary(): Promise<void>;
  isRunning(): boolean;
  /** The partition is no longer this consumer's (it was fenced, or seek moved it). */
  isStale(): boolean;
}

export interface RunOptions {
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  autoCommit?: boolean;
  autoCommitIntervalMs?: number;
  /** Resolve the whole batch once eachBatch returns. Default true. */
  eachBatchAutoResolve?: boolean;
}

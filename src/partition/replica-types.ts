// What replicas, the controller and the router say to each other over RPC.

import type { ReadForm } from "../protocol/record-codec.js";
import type { PartitionState, TopicConfig } from "../protocol/topic.js";
import type { CompactionMetrics, CompactionSync } from "./compaction.js";
import type { ReplicatedBatch } from "./partition-log.js";
import type { ProducerBatch } from "./producer-state.js";

/** The topic config a replica needs: all but what only the controller uses. */
export type ReplicaConfig = Omit<TopicConfig, "replicationFactor" | "uncleanLeaderElection">;

/** What the controller tells each replica: who it is, and the partition's state. */
export interface ReplicaAssignment {
  topicId: string;
  replica: number;
  state: PartitionState;
  config: ReplicaConfig;
}

export type Acks = "all" | "1" | "0";

export interface ProduceRequest {
  /** The records encoded as one stored batch (record-codec.ts), so RPC copies one
   * buffer, not an object per record. */
  batch: Uint8Array;
  acks: Acks;
  /** Set by idempotent producers: a retried batch is acknowledged, not appended. */
  producer: ProducerBatch | null;
}

export interface ProduceResponse {
  baseOffset: number;
  lastOffset: number;
  rowsWritten: number;
}

export interface FetchRequest {
  offset: number | "earliest" | "latest";
  maxRecords: number;
  maxBytes: number;
  maxWaitMs: number;
  encoding: ReadForm;
  /** Lets the router cancel this wait once a sibling partition of its fetch answers. */
  waitKey: string | null;
  /** Served by an in-sync follower (follower fetch) rather than only by the leader. */
  allowFollower: boolean;
}

export interface FetchResponse {
  /** The offset read from, once earliest/latest are resolved. */
  fetchOffset: number;
  /** A JSON array text of the records in UTF-8, spliced as is into the HTTP response. */
  records: Uint8Array;
  /** Where each record's object starts in `records` (fetched-records.ts). */
  recordStarts: number[];
  recordCount: number;
  sizeBytes: number;
  nextOffset: number;
  /** Binary reads of a compacted log's gaps: each record's offset (log-read.ts). */
  recordOffsets?: number[] | undefined;
  highWatermark: number;
  logStartOffset: number;
  /** The replica that answered (a follower, with follower fetch). */
  replica: number;
}

export interface ReplicaStatus {
  role: "leader" | "follower";
  leaderEpoch: number;
  logStartOffset: number;
  highWatermark: number;
  logEndOffset: number;
  sizeBytes: number;
}

/** Leader → follower push: batches from `fromOffset`, which must be the follower's
 * logEndOffset with the record before it of epoch `prevEpoch`. */
export interface ReplicateRequest {
  leaderEpoch: number;
  leader: number;
  fromOffset: number;
  prevEpoch: number;
  batches: ReplicatedBatch[];
  highWatermark: number;
  /** The leader's logStartOffset (committed: the follower deletes below it) and its
   * pending one (the follower holds it before the leader may commit it). */
  logStartOffset: number;
  pendingLogStartOffset: number;
  /** The leader's compaction passes (the follower stores them before the leader may
   * commit them) and which are committed. */
  compaction: CompactionSync;
}

/** `matched: false`: the follower's log does not continue at fromOffset; the leader
 * finds the divergence from the follower's last epoch (KIP-279). */
export type ReplicateResponse =
  | { matched: true; logEndOffset: number; pendingLogStartOffset: number; compactionSeq: number }
  | { matched: false; logEndOffset: number; lastEpoch: number; pendingLogStartOffset: number; compactionSeq: number };

export interface TruncateRequest {
  leaderEpoch: number;
  /** The leader's answer to OffsetsForLeaderEpoch(follower's last epoch). */
  epoch: number;
  endOffset: number;
}

/** Follower → leader pull (catch-up), Kafka's replica fetch. */
export interface ReplicaFetchRequest {
  replica: number;
  leaderEpoch: number;
  fromOffset: number;
  prevEpoch: number;
  lastEpoch: number;
  /** The pending logStartOffset the follower holds. */
  pendingLogStartOffset: number;
  /** The last compaction pass the follower stores. */
  compactionSeq: number;
}

export type ReplicaFetchResponse =
  | {
      diverged: false;
      batches: ReplicatedBatch[];
      highWatermark: number;
      logStartOffset: number;
      pendingLogStartOffset: number;
      logEndOffset: number;
      inIsr: boolean;
      compaction: CompactionSync;
    }
  | { diverged: true; epoch: number; endOffset: number };

export type Fault = "crash" | "partition" | "slow" | "heal";

/** A replica's whole log, for the chaos test's comparison of replicas. */
export interface ReplicaLogDump {
  logStartOffset: number;
  pendingLogStartOffset: number;
  highWatermark: number;
  logEndOffset: number;
  leaderEpoch: number;
  /** The partition state as this replica believes it, and its next alarm. */
  state: PartitionState | null;
  alarmAtMs: number | null;
  fault: string | null;
  /** The leader's view of its followers, when this replica leads. */
  leadership: string | null;
  /** JSON array text of every stored record from `fromOffset`. */
  records: string;
}

/** A replica's counters since it started (Prometheus counters tolerate resets). */
export interface ReplicaMetrics extends CompactionMetrics {
  role: "leader" | "follower";
  recordsIn: number;
  bytesIn: number;
  recordsOut: number;
  bytesOut: number;
  requests: number;
  rowsRead: number;
  rowsWritten: number;
  logEndOffset: number;
  highWatermark: number;
  logStartOffset: number;
}

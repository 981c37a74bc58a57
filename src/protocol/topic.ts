// Topics as the API shows them, and the rules their names and configs obey.

import type { ErrorCode, ErrorData } from "./errors.js";
import type { Limits } from "./limits.js";

export const LOCATION_HINTS = ["wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"] as const;
export type LocationHint = (typeof LOCATION_HINTS)[number];
export const JURISDICTIONS = ["eu", "fedramp"] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];
/** Kafka's cleanup.policy: delete by retention, keep the last record of each key, or both. */
export const CLEANUP_POLICIES = ["delete", "compact", "compact,delete"] as const;
export type CleanupPolicy = (typeof CLEANUP_POLICIES)[number];

export interface TopicConfig {
  replicationFactor: number;
  minInsyncReplicas: number;
  /** -1: keep forever. */
  retentionMs: number;
  /** -1: no size limit beyond the replica's own (maxReplicaBytes). */
  retentionBytes: number;
  placement: LocationHint[];
  jurisdiction: Jurisdiction | null;
  followerFetch: boolean;
  /** Elect a replica outside the ISR when no ISR member is alive (may lose data). */
  uncleanLeaderElection: boolean;
  /** A follower that has not caught up with the leader for this long leaves the ISR. */
  replicaLagTimeMs: number;
  cleanupPolicy: CleanupPolicy;
  /** A record younger than this is never compacted. */
  minCompactionLagMs: number;
  /** A record older than this is compacted whatever the dirty ratio; -1: unbounded
   * (Kafka's default, 2^63-1). */
  maxCompactionLagMs: number;
  /** How long a tombstone (a null value) stays readable after compaction passed it. */
  deleteRetentionMs: number;
  /** Compaction runs once this share of the cleanable bytes is dirty (0..1). */
  minCleanableDirtyRatio: number;
}

/** Config that PATCH may change; the rest is fixed at creation. */
export type AlterableConfig = Pick<
  TopicConfig,
  | "minInsyncReplicas"
  | "retentionMs"
  | "retentionBytes"
  | "followerFetch"
  | "cleanupPolicy"
  | "minCompactionLagMs"
  | "maxCompactionLagMs"
  | "deleteRetentionMs"
  | "minCleanableDirtyRatio"
>;

export const DEFAULT_TOPIC_CONFIG: TopicConfig = {
  replicationFactor: 1,
  minInsyncReplicas: 1,
  retentionMs: 604_800_000,
  retentionBytes: -1,
  placement: [],
  jurisdiction: null,
  followerFetch: false,
  uncleanLeaderElection: false,
  replicaLagTimeMs: 30_000,
  cleanupPolicy: "delete",
  minCompactionLagMs: 0,
  maxCompactionLagMs: -1,
  deleteRetentionMs: 86_400_000,
  minCleanableDirtyRatio: 0.5,
};

/** A stored config: topics created before a field existed take its default. */
export function storedTopicConfig(json: string): TopicConfig {
  return { ...DEFAULT_TOPIC_CONFIG, ...(JSON.parse(json) as Partial<TopicConfig>) };
}

/** Whether the topic's log is compacted (cleanup.policy compact or compact,delete). */
export function isCompacted(config: Pick<TopicConfig, "cleanupPolicy">): boolean {
  return config.cleanupPolicy !== "delete";
}

/** Whether retention deletes old records (cleanup.policy delete or compact,delete). */
export function deletesByRetention(config: Pick<TopicConfig, "cleanupPolicy">): boolean {
  return config.cleanupPolicy !== "compact";
}

export interface PartitionState {
  partition: number;
  /** Replica indexes 0..RF-1. */
  replicas: number[];
  /** -1 while no in-sync replica is alive to lead (the partition is offline). */
  leader: number;
  leaderEpoch: number;
  isr: number[];
  partitionEpoch: number;
}

/** What routers cache: enough to route a produce or fetch. `version` grows with every
 * change so a cache can tell stale from fresh. */
export interface TopicMetadata {
  name: string;
  topicId: string;
  version: number;
  config: TopicConfig;
  partitions: PartitionState[];
}

export interface PartitionDescription {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  logStartOffset: number;
  highWatermark: number;
  /** Bytes of the leader's stored batches (the records' sizes plus their framing), as
   * Kafka's DescribeLogDirs reports a partition's size; -1 when the leader could not be asked. */
  sizeBytes: number;
}

/** Kafka's controller metrics for one topic. */
export interface TopicCounters {
  isrShrinks: number;
  isrExpands: number;
  elections: number;
}

export interface TopicDescription {
  name: string;
  topicId: string;
  config: TopicConfig;
  partitions: PartitionDescription[];
  counters: TopicCounters;
}

export interface TopicListing {
  name: string;
  topicId: string;
  partitions: number;
  config: TopicConfig;
}

const NAME = /^[a-zA-Z0-9._-]+$/;

export function checkTopicName(name: string, limits: Limits): ErrorData | null {
  if (
    name.length === 0 ||
    name.length > limits.maxTopicNameLength ||
    !NAME.test(name) ||
    name === "." ||
    name === ".."
  ) {
    return {
      code: "INVALID_TOPIC_EXCEPTION",
      message: `topic name must match [a-zA-Z0-9._-]{1,${limits.maxTopicNameLength}} and not be "." or ".."`,
    };
  }
  return null;
}

/** The Kafka code for a refused field of a topic's creation or config change
 * (CreateTopics, AlterConfigs, CreatePartitions): a value out of range or of the wrong
 * type is INVALID_CONFIG, as Kafka has it, the partition count and replication factor
 * their own; the body as a whole and the name are INVALID_REQUEST. */
export function topicFieldCode(field: string | undefined): ErrorCode {
  if (field === "partitions" || field === "count") return "INVALID_PARTITIONS";
  if (field === "replicationFactor") return "INVALID_REPLICATION_FACTOR";
  if (field === undefined || field === "name") return "INVALID_REQUEST";
  return "INVALID_CONFIG";
}

export function checkPartitionCount(count: number, limits: Limits): ErrorData | null {
  if (count >= 1 && count <= limits.maxPartitionsPerTopic) return null;
  return { code: "INVALID_PARTITIONS", message: `partitions must be 1..${limits.maxPartitionsPerTopic}` };
}

/** Checks the rules between config fields; the schemas have checked each field's type. */
export function checkTopicConfig(config: TopicConfig, limits: Limits): ErrorData | null {
  const rf = config.replicationFactor;
  if (rf < 1 || rf > limits.maxReplicationFactor) {
    return {
      code: "INVALID_REPLICATION_FACTOR",
      message: `replicationFactor must be 1..${limits.maxReplicationFactor}`,
    };
  }
  if (config.minInsyncReplicas < 1 || config.minInsyncReplicas > rf) {
    return { code: "INVALID_CONFIG", message: `minInsyncReplicas must be 1..replicationFactor (${rf})` };
  }
  if (config.retentionMs === 0) return { code: "INVALID_CONFIG", message: "retentionMs must be -1 or positive" };
  if (config.retentionBytes === 0) return { code: "INVALID_CONFIG", message: "retentionBytes must be -1 or positive" };
  if (config.placement.length > rf) {
    return { code: "INVALID_CONFIG", message: `placement lists at most replicationFactor (${rf}) location hints` };
  }
  return checkCompactionConfig(config);
}

function checkCompactionConfig(config: TopicConfig): ErrorData | null {
  const { minCompactionLagMs, maxCompactionLagMs, minCleanableDirtyRatio } = config;
  if (maxCompactionLagMs === 0) return { code: "INVALID_CONFIG", message: "maxCompactionLagMs must be -1 or positive" };
  if (maxCompactionLagMs > 0 && maxCompactionLagMs < minCompactionLagMs) {
    return {
      code: "INVALID_CONFIG",
      message: `maxCompactionLagMs (${maxCompactionLagMs}) must be -1 or at least minCompactionLagMs (${minCompactionLagMs})`,
    };
  }
  if (!(minCleanableDirtyRatio >= 0 && minCleanableDirtyRatio <= 1)) {
    return { code: "INVALID_CONFIG", message: "minCleanableDirtyRatio must be 0..1" };
  }
  return null;
}

/** Rules for a PATCH beyond those of the new config itself: a log is compacted from its
 * creation or never, since a log that was not would hold keyless records. */
export function checkConfigChange(from: TopicConfig, to: TopicConfig): ErrorData | null {
  if (isCompacted(from) !== isCompacted(to)) {
    return {
      code: "INVALID_CONFIG",
      message: `cleanupPolicy can change between "compact" and "compact,delete" only, not from "${from.cleanupPolicy}" to "${to.cleanupPolicy}"`,
    };
  }
  return null;
}

import { z } from "zod";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Every limit (docs/ARCHITECTURE.md, "Limits"), with its default. Override any of them with
 * the EDGELOG_LIMITS variable (a JSON object with some of these keys). */
export const DEFAULT_LIMITS = {
  maxTopicNameLength: 249,
  maxPartitionsPerTopic: 1024,
  maxReplicationFactor: 5,
  maxRecordBytes: 1 * MiB,
  maxRequestBytes: 8 * MiB,
  maxRecordsPerRequest: 10_000,
  maxHeadersPerRecord: 64,
  /** Payload bytes in one stored batch row; a single larger record gets a row alone. */
  maxBatchRowBytes: 1 * MiB,
  maxWaitMs: 30_000,
  /** How long one live-tail (Server-Sent Events) connection lasts before the client
   * reconnects with Last-Event-ID. */
  maxStreamMs: 300_000,
  maxFetchRecords: 10_000,
  maxFetchBytes: 8 * MiB,
  maxFetchPartitions: 256,
  maxGroupMembers: 1_000,
  /** Group ids follow the topic name rule: [a-zA-Z0-9._-]{1,maxGroupIdLength}. */
  maxGroupIdLength: 249,
  /** Topics a group's members may subscribe to, all together. */
  maxSubscribedTopics: 100,
  /** Bounds of a member's sessionTimeoutMs (default 45 s); the minimum is low so that
   * expiry is testable, Kafka's own minimum is 45 s. */
  minSessionTimeoutMs: 1_000,
  maxSessionTimeoutMs: 300_000,
  /** Upper bound of a member's rebalanceTimeoutMs (default 300 s, Kafka's max.poll.interval.ms). */
  maxRebalanceTimeoutMs: 900_000,
  /** Offsets in one commit; each is one SQLite row written. */
  maxCommitOffsets: 10_000,
  /** Kafka's offset.metadata.max.bytes. */
  maxOffsetMetadataBytes: 4_096,
  maxReplicaBytes: 9 * GiB,
  /** Long-poll fetches parked on one replica at once; more are answered at once. */
  maxWaitersPerReplica: 1_000,
  maxTopics: 10_000,
  maxTokens: 10_000,
  /** How long a router trusts what it learned of a token: revocation takes this long. */
  tokenCacheMs: 5_000,
  /** Per scoped token and router isolate (the root token has no quota). */
  quotaRequestsPerSecond: 1_000,
  quotaProduceBytesPerSecond: 50 * MiB,
  quotaFetchBytesPerSecond: 100 * MiB,
  /** Concurrent DO calls fanned out from one request (describe, produce to many partitions). */
  maxFanOut: 16,
  /** How long an acks=all produce waits for the ISR before REQUEST_TIMED_OUT. */
  ackTimeoutMs: 10_000,
  /** How long a replica, controller or leader waits for another object's answer. */
  peerTimeoutMs: 3_000,
  /** How often a controller checks that its partitions' leaders are alive. */
  livenessIntervalMs: 10_000,
  /** How often an out-of-sync follower pulls from its leader to catch up. */
  catchUpIntervalMs: 1_000,
  /** Bytes of stored batches a leader sends a follower in one call. */
  maxReplicationBytes: 4 * MiB,
  /** How often a replica of a replicated partition writes its highWatermark (Kafka's
   * replica.high.watermark.checkpoint.interval.ms); a restart may recover a lower one. */
  highWatermarkCheckpointIntervalMs: 5_000,
  /** Compaction passes a replica keeps after applying them, for followers that have not
   * heard of them; one further behind starts again from the oldest kept. */
  compactionPassesKept: 1_000,
  /** Payload bytes of a row compaction merges from the small rows cleaning left. */
  maxMergedRowBytes: 256 * 1024,
} as const;

export type Limits = { readonly [K in keyof typeof DEFAULT_LIMITS]: number };

/** A stored row must stay under the Durable Object row limit of 2 MB, framing included. */
const MAX_ROW_PAYLOAD_BYTES = 1_900_000;

const overridesSchema = z
  .object(
    Object.fromEntries(Object.keys(DEFAULT_LIMITS).map((k) => [k, z.number().int().positive().optional()])) as Record<
      keyof Limits,
      z.ZodOptional<z.ZodNumber>
    >,
  )
  .strict()
  .refine(
    (o) => (o.maxRecordBytes ?? 0) <= MAX_ROW_PAYLOAD_BYTES && (o.maxBatchRowBytes ?? 0) <= MAX_ROW_PAYLOAD_BYTES,
    {
      message: `maxRecordBytes and maxBatchRowBytes must stay at or under ${MAX_ROW_PAYLOAD_BYTES} (the 2 MB row limit)`,
    },
  );

const cache = new Map<string, Limits>();

/** Limits in force, given the raw EDGELOG_LIMITS variable. A bad value is a deploy
 * mistake, so it fails loudly rather than silently running with defaults. */
export function resolveLimits(raw: string | undefined): Limits {
  const key = raw ?? "";
  const hit = cache.get(key);
  if (hit) return hit;
  const overrides = raw ? overridesSchema.parse(JSON.parse(raw)) : {};
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const limits: Limits = { ...DEFAULT_LIMITS, ...defined };
  cache.set(key, limits);
  return limits;
}

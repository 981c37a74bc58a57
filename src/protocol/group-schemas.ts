// zod schemas of the consumer group routes: strict, so unknown fields are refused.
// Topic names inside them are checked afterwards with INVALID_TOPIC_EXCEPTION, as on
// every other route.

import { z } from "zod";
import { CLIENT_ID_PATTERN, LEAVE_EPOCH, MAX_CLIENT_ID_LENGTH, MEMBER_ID_RULE, type ResetTarget } from "./group.js";
import type { Limits } from "./limits.js";
import { encodingSchema, perLimits } from "./schemas.js";

const count = z.number().int().nonnegative();
const memberId = z.string().regex(new RegExp(`^${MEMBER_ID_RULE}$`), `memberId must match ${MEMBER_ID_RULE}`);

function assignmentSchema(limits: Limits) {
  return z
    .record(
      z.string(),
      z
        .array(count.max(limits.maxPartitionsPerTopic - 1))
        .max(limits.maxPartitionsPerTopic)
        .refine((ps) => new Set(ps).size === ps.length, "partitions must not repeat"),
    )
    .refine((a) => Object.keys(a).length <= limits.maxSubscribedTopics, "too many topics");
}

function offsetCommitSchema(limits: Limits) {
  return z
    .object({
      topic: z.string(),
      partition: count,
      offset: count.max(Number.MAX_SAFE_INTEGER),
      metadata: z
        .string()
        .refine(
          (m) => new TextEncoder().encode(m).length <= limits.maxOffsetMetadataBytes,
          `metadata is at most ${limits.maxOffsetMetadataBytes} bytes`,
        )
        .optional(),
    })
    .strict();
}

function offsetListSchema(limits: Limits) {
  return z
    .array(offsetCommitSchema(limits))
    .max(limits.maxCommitOffsets)
    .refine(
      (os) => new Set(os.map((o) => `${o.topic}:${o.partition}`)).size === os.length,
      "a partition appears twice",
    );
}

export const heartbeatBodySchema = perLimits((limits: Limits) =>
  z
    .object({
      memberId: memberId.optional(),
      memberEpoch: z.number().int().min(LEAVE_EPOCH, "memberEpoch is 0 to join, -1 to leave, else the current one"),
      topics: z
        .array(z.string())
        .min(1, "subscribe to at least one topic")
        .max(limits.maxSubscribedTopics)
        .refine((ts) => new Set(ts).size === ts.length, "topics must not repeat")
        .optional(),
      ownedPartitions: assignmentSchema(limits).optional(),
      sessionTimeoutMs: z.number().int().min(limits.minSessionTimeoutMs).max(limits.maxSessionTimeoutMs).optional(),
      rebalanceTimeoutMs: z.number().int().min(limits.minSessionTimeoutMs).max(limits.maxRebalanceTimeoutMs).optional(),
      clientId: z
        .string()
        .min(1)
        .max(MAX_CLIENT_ID_LENGTH)
        .regex(CLIENT_ID_PATTERN, "clientId must be printable ASCII")
        .optional(),
    })
    .strict()
    .refine((b) => b.memberEpoch === 0 || b.memberId !== undefined, "memberId is required unless memberEpoch is 0")
    .refine((b) => b.memberEpoch !== 0 || b.topics !== undefined, "topics are required to join (memberEpoch 0)"),
);

export const commitBodySchema = perLimits((limits: Limits) =>
  z
    .object({ memberId, memberEpoch: count, offsets: offsetListSchema(limits).refine((os) => os.length > 0, "empty") })
    .strict(),
);

export const groupFetchBodySchema = perLimits((limits: Limits) =>
  z
    .object({
      memberId,
      memberEpoch: count,
      commit: offsetListSchema(limits).default([]),
      maxRecords: count.min(1).max(limits.maxFetchRecords).default(500),
      maxBytes: count.min(1).max(limits.maxFetchBytes).default(1_048_576),
      maxWaitMs: count.max(limits.maxWaitMs).default(0),
      encoding: encodingSchema.default("json"),
      /** Where a partition with no committed offset starts (Kafka's auto.offset.reset). */
      autoOffsetReset: z.enum(["earliest", "latest"]).default("latest"),
    })
    .strict(),
);

const resetTarget: z.ZodType<ResetTarget> = z.union([
  z.enum(["earliest", "latest"]),
  z.object({ timestamp: count.max(8_640_000_000_000_000) }).strict(),
  z.object({ offset: count.max(Number.MAX_SAFE_INTEGER) }).strict(),
]);

export const resetOffsetsBodySchema = z
  .object({
    topic: z.string(),
    to: resetTarget,
  })
  .strict();

// zod schemas of every HTTP request body and query: strict, so unknown fields are
// refused. Rules that need more than one field live in topic.ts.

import { z } from "zod";
import { MAX_TIMESTAMP_MS } from "./batch-frame.js";
import { CLEANUP_POLICIES, JURISDICTIONS, LOCATION_HINTS } from "./topic.js";

const count = z.number().int().nonnegative();
/** -1 (unlimited) or a non-negative integer. */
const limitOrUnlimited = z.number().int().min(-1, "must be -1 or a non-negative integer").max(Number.MAX_SAFE_INTEGER);

const durationMs = count.max(Number.MAX_SAFE_INTEGER);
const dirtyRatio = z
  .number()
  .min(0, "minCleanableDirtyRatio must be 0..1")
  .max(1, "minCleanableDirtyRatio must be 0..1");

const lagTime = count
  .min(100, "replicaLagTimeMs must be 100..600000")
  .max(600_000, "replicaLagTimeMs must be 100..600000");

export const createTopicSchema = z
  .object({
    name: z.string(),
    partitions: count.default(1),
    replicationFactor: count.default(1),
    minInsyncReplicas: count.default(1),
    retentionMs: limitOrUnlimited.default(604_800_000),
    retentionBytes: limitOrUnlimited.default(-1),
    placement: z.array(z.enum(LOCATION_HINTS)).max(5).default([]),
    jurisdiction: z.enum(JURISDICTIONS).nullable().default(null),
    followerFetch: z.boolean().default(false),
    uncleanLeaderElection: z.boolean().default(false),
    replicaLagTimeMs: lagTime.default(30_000),
    cleanupPolicy: z.enum(CLEANUP_POLICIES).default("delete"),
    minCompactionLagMs: durationMs.default(0),
    maxCompactionLagMs: limitOrUnlimited.default(-1),
    deleteRetentionMs: durationMs.default(86_400_000),
    minCleanableDirtyRatio: dirtyRatio.default(0.5),
  })
  .strict();

export const alterTopicSchema = z
  .object({
    minInsyncReplicas: count.optional(),
    retentionMs: limitOrUnlimited.optional(),
    retentionBytes: limitOrUnlimited.optional(),
    followerFetch: z.boolean().optional(),
    uncleanLeaderElection: z.boolean().optional(),
    replicaLagTimeMs: lagTime.optional(),
    cleanupPolicy: z.enum(CLEANUP_POLICIES).optional(),
    minCompactionLagMs: durationMs.optional(),
    maxCompactionLagMs: limitOrUnlimited.optional(),
    deleteRetentionMs: durationMs.optional(),
    minCleanableDirtyRatio: dirtyRatio.optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, "give at least one config field to change");

export const addPartitionsSchema = z.object({ count }).strict();

export const encodingSchema = z.enum(["json", "base64"]);

export const produceRecordSchema = z
  .object({
    key: z.string().nullable().optional(),
    value: z.unknown(),
    // Checked record by record: bad headers are INVALID_RECORD, not INVALID_REQUEST.
    headers: z.unknown().optional(),
    partition: count.optional(),
    timestamp: count.max(MAX_TIMESTAMP_MS).optional(),
  })
  .strict();

export const produceBodySchema = z
  .object({
    records: z.array(produceRecordSchema).min(1, "records must not be empty"),
    encoding: encodingSchema.default("json"),
  })
  .strict();

/** The per-partition route also takes an idempotent producer's fields: all or none. */
export const partitionProduceBodySchema = produceBodySchema
  .extend({ producerId: count.min(1).optional(), producerEpoch: count.optional(), baseSequence: count.optional() })
  .strict()
  .refine(
    (b) =>
      [b.producerId, b.producerEpoch, b.baseSequence].every((v) => v === undefined) ||
      [b.producerId, b.producerEpoch, b.baseSequence].every((v) => v !== undefined),
    "producerId, producerEpoch and baseSequence go together",
  );

export type ProduceBody = z.output<typeof partitionProduceBodySchema>;

const RECORD_FIELDS = new Set(Object.keys(produceRecordSchema.shape));
const BODY_FIELDS = new Set(["records", "encoding"]);
const PARTITION_BODY_FIELDS = new Set([...BODY_FIELDS, "producerId", "producerEpoch", "baseSequence"]);

/** The produce body as zod outputs it when it is plainly valid, else null (then zod
 * parses it and names the error). zod costs microseconds per record on the hottest
 * route; this checks the same rules by hand and accepts only what the schemas accept,
 * with the same output, which test/unit/produce-body.test.ts checks against zod. */
export function plainProduceBody(raw: unknown, perPartition: boolean): ProduceBody | null {
  if (!isPlainObject(raw) || !hasOnly(raw, perPartition ? PARTITION_BODY_FIELDS : BODY_FIELDS)) return null;
  const { records, encoding, producerId, producerEpoch, baseSequence } = raw;
  if (!Array.isArray(records) || records.length === 0 || !records.every(isPlainRecord)) return null;
  if (encoding !== undefined && encoding !== "json" && encoding !== "base64") return null;
  const anonymous = producerId === undefined && producerEpoch === undefined && baseSequence === undefined;
  const idempotent = isCount(producerId) && producerId >= 1 && isCount(producerEpoch) && isCount(baseSequence);
  if (!anonymous && !idempotent) return null;
  return { ...raw, records, encoding: encoding ?? "json" } as ProduceBody;
}

function isPlainRecord(record: unknown): boolean {
  if (!isPlainObject(record) || !hasOnly(record, RECORD_FIELDS)) return false;
  const { key, partition, timestamp } = record;
  return (
    (key === undefined || key === null || typeof key === "string") &&
    (partition === undefined || isCount(partition)) &&
    (timestamp === undefined || (isCount(timestamp) && timestamp <= MAX_TIMESTAMP_MS))
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** No field outside `fields` (zod's strict()); an own "__proto__" is outside too. */
function hasOnly(value: Record<string, unknown>, fields: ReadonlySet<string>): boolean {
  for (const field in value) if (!fields.has(field)) return false;
  return true;
}

/** What `count` accepts: a non-negative integer. */
function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

export const initProducerSchema = z
  .object({ producerId: count.min(1).optional(), producerEpoch: count.optional() })
  .strict()
  .refine(
    (b) => (b.producerId === undefined) === (b.producerEpoch === undefined),
    "producerId and producerEpoch go together",
  );

export const acksSchema = z.enum(["all", "-1", "1", "0"]).default("all");

const countParam = z
  .string()
  .regex(/^\d{1,16}$/, "must be a non-negative integer")
  .transform(Number)
  .pipe(count.max(Number.MAX_SAFE_INTEGER));

/** A binary batch's produce query: its body is the records alone, so an idempotent
 * producer's fields come here, all together or not at all. */
export const batchProduceQuerySchema = z
  .object({
    acks: acksSchema,
    producerId: countParam.pipe(count.min(1)).optional(),
    producerEpoch: countParam.optional(),
    baseSequence: countParam.optional(),
  })
  .strict()
  .refine(
    (q) =>
      [q.producerId, q.producerEpoch, q.baseSequence].every((v) => v === undefined) ||
      [q.producerId, q.producerEpoch, q.baseSequence].every((v) => v !== undefined),
    "producerId, producerEpoch and baseSequence go together",
  );

const offsetParam = z
  .string({ required_error: "offset is required: a non-negative integer, earliest or latest" })
  .regex(/^(\d{1,16}|earliest|latest)$/, "offset must be a non-negative integer, earliest or latest")
  .transform((v) => (v === "earliest" || v === "latest" ? v : Number(v)));

const intParam = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, "must be a non-negative integer")
    .transform(Number)
    .pipe(z.number().max(max, `must be at most ${max}`))
    .default(String(fallback));

/** A schema built once per limits object (resolveLimits keeps one per setting), not on
 * every request: building a zod object cost 7 % of a catch-up read's CPU. */
export function perLimits<L extends object, S>(build: (limits: L) => S): (limits: L) => S {
  const built = new WeakMap<L, S>();
  return (limits) => {
    let schema = built.get(limits);
    if (schema === undefined) {
      schema = build(limits);
      built.set(limits, schema);
    }
    return schema;
  };
}

export const fetchQuerySchema = perLimits(
  (limits: { maxFetchRecords: number; maxFetchBytes: number; maxWaitMs: number }) =>
    z
      .object({
        offset: offsetParam,
        maxRecords: intParam(limits.maxFetchRecords, 500).pipe(z.number().min(1, "maxRecords must be at least 1")),
        maxBytes: intParam(limits.maxFetchBytes, 1_048_576).pipe(z.number().min(1, "maxBytes must be at least 1")),
        maxWaitMs: intParam(limits.maxWaitMs, 0),
        encoding: encodingSchema.default("json"),
      })
      .strict(),
);

/** Live tail (Accept: text/event-stream): where to start, and how to render records.
 * A reconnect's Last-Event-ID takes precedence over `offset`. */
export const liveTailQuerySchema = z
  .object({ offset: offsetParam.default("latest"), encoding: encodingSchema.default("json") })
  .strict();

export const listOffsetsQuerySchema = z
  .object({
    at: z
      .string({ required_error: "at is required: earliest, latest or a timestamp in ms" })
      .regex(/^(\d{1,16}|earliest|latest)$/, "at must be earliest, latest or a timestamp in ms")
      .transform((v) => (v === "earliest" || v === "latest" ? v : Number(v))),
  })
  .strict();

export const multiFetchSchema = perLimits(
  (limits: { maxFetchRecords: number; maxFetchBytes: number; maxWaitMs: number; maxFetchPartitions: number }) =>
    z
      .object({
        partitions: z
          .array(
            z
              .object({ topic: z.string(), partition: count, offset: z.union([count, z.enum(["earliest", "latest"])]) })
              .strict(),
          )
          .min(1)
          .max(limits.maxFetchPartitions),
        maxWaitMs: count.max(limits.maxWaitMs).default(0),
        maxBytes: count.min(1).max(limits.maxFetchBytes).default(limits.maxFetchBytes),
        maxRecords: count.min(1).max(limits.maxFetchRecords).default(500),
        encoding: encodingSchema.default("json"),
      })
      .strict(),
);

export const faultSchema = z
  .object({
    topic: z.string(),
    partition: count,
    replica: count,
    fault: z.enum(["crash", "partition", "slow", "heal"]),
  })
  .strict();

export const replicaLogQuerySchema = z
  .object({
    topic: z.string(),
    partition: z
      .string()
      .regex(/^\d{1,9}$/)
      .transform(Number),
    replica: z
      .string()
      .regex(/^\d{1,9}$/)
      .transform(Number),
  })
  .strict();

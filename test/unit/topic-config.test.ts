import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, resolveLimits } from "../../src/protocol/limits.js";
import { alterTopicSchema, createTopicSchema } from "../../src/protocol/schemas.js";
import {
  checkConfigChange,
  checkPartitionCount,
  checkTopicConfig,
  checkTopicName,
  DEFAULT_TOPIC_CONFIG,
  topicFieldCode,
} from "../../src/protocol/topic.js";

const limits = resolveLimits(undefined);

describe("topic rules", () => {
  it("gives a refused field's value that field's Kafka code, the body and the name INVALID_REQUEST", () => {
    // Each field's refusal as the schema makes it, through the router's mapping.
    const codeOfFirstIssue = (body: unknown, schema: typeof createTopicSchema | typeof alterTopicSchema) => {
      const parsed = schema.safeParse(body);
      return parsed.success ? "accepted" : topicFieldCode(parsed.error.issues[0]?.path[0]?.toString());
    };
    for (const [body, code] of [
      [{ name: "t" }, "accepted"],
      [{ name: "t", partitions: -1 }, "INVALID_PARTITIONS"],
      [{ name: "t", partitions: 1.5 }, "INVALID_PARTITIONS"],
      [{ name: "t", replicationFactor: -1 }, "INVALID_REPLICATION_FACTOR"],
      [{ name: "t", retentionMs: -2 }, "INVALID_CONFIG"],
      [{ name: "t", retentionBytes: "1GB" }, "INVALID_CONFIG"],
      [{ name: "t", cleanupPolicy: "archive" }, "INVALID_CONFIG"],
      [{ name: "t", minCleanableDirtyRatio: 1.5 }, "INVALID_CONFIG"],
      [{ name: "t", replicaLagTimeMs: 10 }, "INVALID_CONFIG"],
      [{ name: 7 }, "INVALID_REQUEST"],
      [{ partitions: 1 }, "INVALID_REQUEST"],
      [[], "INVALID_REQUEST"],
    ] as const) {
      expect(codeOfFirstIssue(body, createTopicSchema), JSON.stringify(body)).toBe(code);
    }
    expect(codeOfFirstIssue({}, alterTopicSchema)).toBe("INVALID_REQUEST");
    expect(codeOfFirstIssue({ retentionMs: -3 }, alterTopicSchema)).toBe("INVALID_CONFIG");
    expect(topicFieldCode("count")).toBe("INVALID_PARTITIONS");
  });

  it("accepts Kafka's topic names and nothing else", () => {
    for (const ok of ["a", "orders", "a.b_c-D9", "x".repeat(249), "..."])
      expect(checkTopicName(ok, limits), ok).toBeNull();
    for (const bad of ["", ".", "..", "x".repeat(250), "a b", "a/b", "ü", "a\n"]) {
      expect(checkTopicName(bad, limits)?.code, JSON.stringify(bad)).toBe("INVALID_TOPIC_EXCEPTION");
    }
  });

  it("bounds partitions and checks config fields against each other", () => {
    expect(checkPartitionCount(0, limits)?.code).toBe("INVALID_PARTITIONS");
    expect(checkPartitionCount(1025, limits)?.code).toBe("INVALID_PARTITIONS");
    expect(checkPartitionCount(1024, limits)).toBeNull();
    expect(checkTopicConfig(DEFAULT_TOPIC_CONFIG, limits)).toBeNull();
    expect(checkTopicConfig({ ...DEFAULT_TOPIC_CONFIG, replicationFactor: 0 }, limits)?.code).toBe(
      "INVALID_REPLICATION_FACTOR",
    );
    expect(checkTopicConfig({ ...DEFAULT_TOPIC_CONFIG, replicationFactor: 6 }, limits)?.code).toBe(
      "INVALID_REPLICATION_FACTOR",
    );
    expect(checkTopicConfig({ ...DEFAULT_TOPIC_CONFIG, minInsyncReplicas: 2 }, limits)?.code).toBe("INVALID_CONFIG");
    expect(checkTopicConfig({ ...DEFAULT_TOPIC_CONFIG, retentionMs: 0 }, limits)?.code).toBe("INVALID_CONFIG");
    expect(checkTopicConfig({ ...DEFAULT_TOPIC_CONFIG, placement: ["weur", "enam"] }, limits)?.code).toBe(
      "INVALID_CONFIG",
    );
  });

  it("checks the compaction fields and which cleanupPolicy changes are allowed", () => {
    const compact = { ...DEFAULT_TOPIC_CONFIG, cleanupPolicy: "compact" as const };
    expect(checkTopicConfig(compact, limits)).toBeNull();
    expect(checkTopicConfig({ ...compact, maxCompactionLagMs: 0 }, limits)?.code).toBe("INVALID_CONFIG");
    expect(checkTopicConfig({ ...compact, minCompactionLagMs: 10, maxCompactionLagMs: 5 }, limits)?.code).toBe(
      "INVALID_CONFIG",
    );
    expect(checkTopicConfig({ ...compact, minCompactionLagMs: 10, maxCompactionLagMs: 10 }, limits)).toBeNull();
    expect(checkTopicConfig({ ...compact, minCleanableDirtyRatio: 1.5 }, limits)?.code).toBe("INVALID_CONFIG");
    expect(checkConfigChange(compact, { ...compact, cleanupPolicy: "compact,delete" })).toBeNull();
    expect(checkConfigChange(compact, DEFAULT_TOPIC_CONFIG)?.code).toBe("INVALID_CONFIG");
    expect(checkConfigChange(DEFAULT_TOPIC_CONFIG, compact)?.code).toBe("INVALID_CONFIG");
    const created = createTopicSchema.parse({ name: "t" });
    expect(created).toMatchObject({
      cleanupPolicy: "delete",
      minCompactionLagMs: 0,
      maxCompactionLagMs: -1,
      deleteRetentionMs: 86_400_000,
      minCleanableDirtyRatio: 0.5,
    });
    expect(createTopicSchema.safeParse({ name: "t", cleanupPolicy: "compact,delete" }).success).toBe(true);
    expect(createTopicSchema.safeParse({ name: "t", cleanupPolicy: "delete,compact" }).success).toBe(false);
    expect(createTopicSchema.safeParse({ name: "t", minCleanableDirtyRatio: -0.1 }).success).toBe(false);
    expect(createTopicSchema.safeParse({ name: "t", maxCompactionLagMs: -2 }).success).toBe(false);
    expect(alterTopicSchema.safeParse({ deleteRetentionMs: 1000 }).success).toBe(true);
  });

  it("lets EDGELOG_LIMITS override any limit, and refuses unknown or bad ones", () => {
    expect(resolveLimits(JSON.stringify({ maxPartitionsPerTopic: 8 }))).toEqual({
      ...DEFAULT_LIMITS,
      maxPartitionsPerTopic: 8,
    });
    expect(() => resolveLimits(JSON.stringify({ maxPartitions: 8 }))).toThrow();
    expect(() => resolveLimits(JSON.stringify({ maxRecordBytes: -1 }))).toThrow();
  });
});

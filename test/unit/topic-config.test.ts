import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, resolveLimits } from "../../src/protocol/limits.js";
import {
  checkPartitionCount,
  checkTopicConfig,
  checkTopicName,
  DEFAULT_TOPIC_CONFIG,
} from "../../src/protocol/topic.js";

const limits = resolveLimits(undefined);

describe("topic rules", () => {
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

  it("lets EDGELOG_LIMITS override any limit, and refuses unknown or bad ones", () => {
    expect(resolveLimits(JSON.stringify({ maxPartitionsPerTopic: 8 }))).toEqual({
      ...DEFAULT_LIMITS,
      maxPartitionsPerTopic: 8,
    });
    expect(() => resolveLimits(JSON.stringify({ maxPartitions: 8 }))).toThrow();
    expect(() => resolveLimits(JSON.stringify({ maxRecordBytes: -1 }))).toThrow();
  });
});

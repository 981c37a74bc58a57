// The one table of Kafka's topic config names: every described value parses back to
// the field's value, Kafka's unbounded lag is Edgelog's -1, and values of the wrong
// type or unknown names are refused.

import { expect, it } from "vitest";
import {
  fromKafkaConfigs,
  KAFKA_CONFIG_NAMES,
  kafkaConfigEntries,
  kafkaConfigField,
} from "../../src/protocol/kafka-topic-configs.js";
import { DEFAULT_TOPIC_CONFIG, type TopicConfig } from "../../src/protocol/topic.js";

const CONFIG: TopicConfig = {
  ...DEFAULT_TOPIC_CONFIG,
  retentionMs: 3_600_000,
  retentionBytes: -1,
  minInsyncReplicas: 2,
  uncleanLeaderElection: true,
  followerFetch: true,
  cleanupPolicy: "compact,delete",
  maxCompactionLagMs: -1,
  minCleanableDirtyRatio: 0.25,
};

it("describes every config in name order, and each value parses back to the field's", () => {
  const entries = kafkaConfigEntries(CONFIG);
  expect(entries.map((e) => e.name)).toEqual([...KAFKA_CONFIG_NAMES].sort());
  for (const { name, value } of entries) {
    const field = kafkaConfigField(name)!;
    expect(fromKafkaConfigs([{ name, value }]), name).toEqual({ ok: true, config: { [field]: CONFIG[field] } });
  }
  const byName = new Map(entries.map((e) => [e.name, e]));
  expect(byName.get("max.compaction.lag.ms")?.value).toBe("9223372036854775807");
  expect(byName.get("replica.lag.time.max.ms")).toMatchObject({ readOnly: true, isDefault: true });
  expect(byName.get("retention.ms")).toMatchObject({ value: "3600000", readOnly: false, isDefault: false });
});

it("describes the names asked for, leaving out unknown ones", () => {
  const entries = kafkaConfigEntries(CONFIG, ["retention.ms", "segment.bytes", "cleanup.policy"]);
  expect(entries.map((e) => [e.name, e.value])).toEqual([
    ["retention.ms", "3600000"],
    ["cleanup.policy", "compact,delete"],
  ]);
});

it("refuses values of the wrong type and names it does not have", () => {
  for (const [name, value] of [
    ["retention.ms", "1e3"],
    ["retention.ms", "99999999999999999999"],
    ["follower.fetch.enable", "yes"],
    ["min.cleanable.dirty.ratio", "-0.5"],
    ["retention.ms", null],
    ["segment.bytes", "1048576"],
  ] as const) {
    expect(fromKafkaConfigs([{ name, value }]).ok, `${name}=${value}`).toBe(false);
  }
  expect(fromKafkaConfigs([{ name: "cleanup.policy", value: "compact, delete" }])).toEqual({
    ok: true,
    config: { cleanupPolicy: "compact,delete" },
  });
  expect(kafkaConfigField("segment.bytes")).toBeUndefined();
  expect(kafkaConfigField("toString")).toBeUndefined();
});

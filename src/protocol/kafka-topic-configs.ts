// Kafka's topic config names for the topic config Edgelog has, and their values as
// Kafka writes them: the one table behind the kafkajs-compatible admin and the
// gateway's CreateTopics and DescribeConfigs. A name not here is Kafka's
// INVALID_CONFIG on both.

import { DEFAULT_TOPIC_CONFIG, type TopicConfig } from "./topic.js";

export type KafkaConfigField =
  | "retentionMs"
  | "retentionBytes"
  | "minInsyncReplicas"
  | "uncleanLeaderElection"
  | "replicaLagTimeMs"
  | "followerFetch"
  | "cleanupPolicy"
  | "minCompactionLagMs"
  | "maxCompactionLagMs"
  | "deleteRetentionMs"
  | "minCleanableDirtyRatio";

export type KafkaConfigValues = Pick<TopicConfig, KafkaConfigField>;

const FIELD_BY_NAME: Readonly<Record<string, KafkaConfigField>> = {
  "cleanup.policy": "cleanupPolicy",
  "delete.retention.ms": "deleteRetentionMs",
  // Edgelog's own: followers may answer fetches (Kafka's is the consumer's client.rack).
  "follower.fetch.enable": "followerFetch",
  "max.compaction.lag.ms": "maxCompactionLagMs",
  "min.cleanable.dirty.ratio": "minCleanableDirtyRatio",
  "min.compaction.lag.ms": "minCompactionLagMs",
  "min.insync.replicas": "minInsyncReplicas",
  "replica.lag.time.max.ms": "replicaLagTimeMs",
  "retention.bytes": "retentionBytes",
  "retention.ms": "retentionMs",
  "unclean.leader.election.enable": "uncleanLeaderElection",
};

/** Every name, in Kafka's order for a described config: by name. */
export const KAFKA_CONFIG_NAMES: readonly string[] = Object.keys(FIELD_BY_NAME);

/** The fields a topic's config may change after creation (PATCH /v1/topics/{t}). */
const ALTERABLE: ReadonlySet<KafkaConfigField> = new Set<KafkaConfigField>([
  "retentionMs",
  "retentionBytes",
  "minInsyncReplicas",
  "followerFetch",
  "cleanupPolicy",
  "minCompactionLagMs",
  "maxCompactionLagMs",
  "deleteRetentionMs",
  "minCleanableDirtyRatio",
]);

/** Kafka's max.compaction.lag.ms default (Long.MAX_VALUE): Edgelog's -1, unbounded. */
const KAFKA_UNBOUNDED_MS = "9223372036854775807";

export function kafkaConfigField(name: string): KafkaConfigField | undefined {
  return Object.hasOwn(FIELD_BY_NAME, name) ? FIELD_BY_NAME[name] : undefined;
}

/** A Kafka config value as Edgelog's field holds it; null when it is not of the
 * field's type. The server checks ranges and the policy's name. */
function fromKafkaValue(field: KafkaConfigField, text: string): number | boolean | string | null {
  if (field === "cleanupPolicy") return text.replaceAll(" ", "");
  if (field === "maxCompactionLagMs" && text === KAFKA_UNBOUNDED_MS) return -1;
  if (typeof DEFAULT_TOPIC_CONFIG[field] === "boolean")
    return text === "true" || text === "false" ? text === "true" : null;
  if (field === "minCleanableDirtyRatio") return /^\d+(\.\d+)?$/.test(text) ? Number(text) : null;
  return /^-?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : null;
}

export type KafkaConfigsResult =
  | { ok: true; config: Partial<Record<KafkaConfigField, number | boolean | string>> }
  | { ok: false; message: string };

/** Kafka's configs (CreateTopics, AlterConfigs) as Edgelog's fields; the first name it
 * does not have, or value not of its field's type, refuses them all. */
export function fromKafkaConfigs(configs: readonly { name: string; value: string | null }[]): KafkaConfigsResult {
  const config: Partial<Record<KafkaConfigField, number | boolean | string>> = {};
  for (const { name, value } of configs) {
    const field = kafkaConfigField(name);
    if (!field)
      return {
        ok: false,
        message: `topic config ${name} is not supported by Edgelog (it has ${KAFKA_CONFIG_NAMES.join(", ")})`,
      };
    const parsed = value === null ? null : fromKafkaValue(field, value);
    if (parsed === null) return { ok: false, message: `invalid value ${value} for ${name}` };
    config[field] = parsed;
  }
  return { ok: true, config };
}

export interface KafkaConfigEntry {
  name: string;
  value: string;
  readOnly: boolean;
  isDefault: boolean;
}

/** The topic's configs as Kafka describes them: `names` (unknown ones left out), or all. */
export function kafkaConfigEntries(config: KafkaConfigValues, names?: readonly string[] | null): KafkaConfigEntry[] {
  const chosen = names && names.length > 0 ? names : KAFKA_CONFIG_NAMES;
  return chosen.flatMap((name) => {
    const field = kafkaConfigField(name);
    if (!field) return [];
    const value = config[field];
    const text = field === "maxCompactionLagMs" && value === -1 ? KAFKA_UNBOUNDED_MS : String(value);
    return [{ name, value: text, readOnly: !ALTERABLE.has(field), isDefault: value === DEFAULT_TOPIC_CONFIG[field] }];
  });
}

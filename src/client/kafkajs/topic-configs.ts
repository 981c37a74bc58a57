// Kafka's topic config names for the topic config Edgelog has, both ways:
// createTopics' configEntries, describeConfigs and alterConfigs. A name Edgelog does
// not have is refused as Kafka refuses an unknown config (INVALID_CONFIG).

import { DEFAULT_TOPIC_CONFIG, type TopicConfig } from "../../protocol/topic.js";
import { KafkaJSProtocolError } from "./errors.js";

type Field =
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

const BY_KAFKA_NAME: Record<string, Field> = {
  "retention.ms": "retentionMs",
  "retention.bytes": "retentionBytes",
  "min.insync.replicas": "minInsyncReplicas",
  "unclean.leader.election.enable": "uncleanLeaderElection",
  "replica.lag.time.max.ms": "replicaLagTimeMs",
  // Edgelog's own: followers may answer fetches (Kafka's is the consumer's client.rack).
  "follower.fetch.enable": "followerFetch",
  "cleanup.policy": "cleanupPolicy",
  "min.compaction.lag.ms": "minCompactionLagMs",
  "max.compaction.lag.ms": "maxCompactionLagMs",
  "delete.retention.ms": "deleteRetentionMs",
  "min.cleanable.dirty.ratio": "minCleanableDirtyRatio",
};

/** Kafka's max.compaction.lag.ms default (Long.MAX_VALUE): Edgelog's -1, unbounded. */
const KAFKA_UNBOUNDED_MS = "9223372036854775807";

export const KAFKA_CONFIG_NAMES = Object.keys(BY_KAFKA_NAME);

export interface ConfigEntry {
  name: string;
  value: string;
}

/** configEntries as Edgelog's topic config fields. */
export function fromConfigEntries(entries: ConfigEntry[] = []): Partial<TopicConfig> {
  const config: Partial<Record<Field, number | boolean | string>> = {};
  for (const { name, value } of entries) {
    const field = BY_KAFKA_NAME[name];
    if (!field) {
      throw new KafkaJSProtocolError(
        "INVALID_CONFIG",
        `topic config ${name} is not supported by Edgelog (it has ${KAFKA_CONFIG_NAMES.join(", ")})`,
        false,
      );
    }
    config[field] = parseValue(name, field, value);
  }
  return config as Partial<TopicConfig>;
}

/** The server checks ranges and the policy's name; this checks the value's type. */
function parseValue(name: string, field: Field, value: string): number | boolean | string {
  const text = String(value);
  if (field === "cleanupPolicy") return text.replaceAll(" ", "");
  if (field === "maxCompactionLagMs" && text === KAFKA_UNBOUNDED_MS) return -1;
  if (typeof DEFAULT_TOPIC_CONFIG[field] === "boolean") {
    if (text === "true" || text === "false") return text === "true";
  } else if (field === "minCleanableDirtyRatio" ? /^\d+(\.\d+)?$/.test(text) : /^-?\d+$/.test(text)) {
    return Number(text);
  }
  throw new KafkaJSProtocolError("INVALID_CONFIG", `invalid value ${value} for ${name}`, false);
}

export interface DescribedConfigEntry {
  configName: string;
  configValue: string;
  readOnly: boolean;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  configSynonyms: never[];
}

/** Kafka's ConfigSource: TOPIC_CONFIG, DEFAULT_CONFIG. */
const TOPIC_CONFIG = 1;
const DEFAULT_CONFIG = 5;
const ALTERABLE = new Set<Field>([
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

export function toConfigEntries(config: TopicConfig, names?: string[]): DescribedConfigEntry[] {
  const chosen = names && names.length > 0 ? names : KAFKA_CONFIG_NAMES;
  return chosen.flatMap((configName) => {
    const field = BY_KAFKA_NAME[configName];
    if (!field) return [];
    const isDefault = config[field] === DEFAULT_TOPIC_CONFIG[field];
    return [
      {
        configName,
        configValue: configValue(field, config[field]),
        readOnly: !ALTERABLE.has(field),
        isDefault,
        configSource: isDefault ? DEFAULT_CONFIG : TOPIC_CONFIG,
        isSensitive: false,
        configSynonyms: [],
      },
    ];
  });
}

function configValue(field: Field, value: TopicConfig[Field]): string {
  return field === "maxCompactionLagMs" && value === -1 ? KAFKA_UNBOUNDED_MS : String(value);
}

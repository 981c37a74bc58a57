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
  | "followerFetch";

const BY_KAFKA_NAME: Record<string, Field> = {
  "retention.ms": "retentionMs",
  "retention.bytes": "retentionBytes",
  "min.insync.replicas": "minInsyncReplicas",
  "unclean.leader.election.enable": "uncleanLeaderElection",
  "replica.lag.time.max.ms": "replicaLagTimeMs",
  // Edgelog's own: followers may answer fetches (Kafka's is the consumer's client.rack).
  "follower.fetch.enable": "followerFetch",
};

export const KAFKA_CONFIG_NAMES = Object.keys(BY_KAFKA_NAME);

export interface ConfigEntry {
  name: string;
  value: string;
}

/** configEntries as Edgelog's topic config fields. */
export function fromConfigEntries(entries: ConfigEntry[] = []): Partial<TopicConfig> {
  const config: Partial<Record<Field, number | boolean>> = {};
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

function parseValue(name: string, field: Field, value: string): number | boolean {
  if (typeof DEFAULT_TOPIC_CONFIG[field] === "boolean") {
    if (value === "true" || value === "false") return value === "true";
  } else if (/^-?\d+$/.test(String(value))) {
    return Number(value);
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
const ALTERABLE = new Set<Field>(["retentionMs", "retentionBytes", "minInsyncReplicas", "followerFetch"]);

export function toConfigEntries(config: TopicConfig, names?: string[]): DescribedConfigEntry[] {
  const chosen = names && names.length > 0 ? names : KAFKA_CONFIG_NAMES;
  return chosen.flatMap((configName) => {
    const field = BY_KAFKA_NAME[configName];
    if (!field) return [];
    const isDefault = config[field] === DEFAULT_TOPIC_CONFIG[field];
    return [
      {
        configName,
        configValue: String(config[field]),
        readOnly: !ALTERABLE.has(field),
        isDefault,
        configSource: isDefault ? DEFAULT_CONFIG : TOPIC_CONFIG,
        isSensitive: false,
        configSynonyms: [],
      },
    ];
  });
}

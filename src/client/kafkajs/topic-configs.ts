// kafkajs' shapes of Kafka's topic configs (protocol/kafka-topic-configs.ts has the
// names): createTopics' configEntries, describeConfigs and alterConfigs. A name Edgelog
// does not have is refused as Kafka refuses an unknown config (INVALID_CONFIG).

import { fromKafkaConfigs, type KafkaConfigValues, kafkaConfigEntries } from "../../protocol/kafka-topic-configs.js";
import type { TopicConfig } from "../../protocol/topic.js";
import { KafkaJSProtocolError } from "./errors.js";

export interface ConfigEntry {
  name: string;
  value: string;
}

/** configEntries as Edgelog's topic config fields. */
export function fromConfigEntries(entries: ConfigEntry[] = []): Partial<TopicConfig> {
  const result = fromKafkaConfigs(entries.map(({ name, value }) => ({ name, value: String(value) })));
  if (!result.ok) throw new KafkaJSProtocolError("INVALID_CONFIG", result.message, false);
  return result.config as Partial<TopicConfig>;
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

export function toConfigEntries(config: KafkaConfigValues, names?: string[]): DescribedConfigEntry[] {
  return kafkaConfigEntries(config, names).map(({ name, value, readOnly, isDefault }) => ({
    configName: name,
    configValue: value,
    readOnly,
    isDefault,
    configSource: isDefault ? DEFAULT_CONFIG : TOPIC_CONFIG,
    isSensitive: false,
    configSynonyms: [],
  }));
}

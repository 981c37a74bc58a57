// The gateway's side of Kafka's topic configs (protocol/kafka-topic-configs.ts has the
// names): CreateTopics' configs as Edgelog's fields (any other name is
// INVALID_CONFIG), and the source every described config has.

import { fromKafkaValue, kafkaConfigField } from "../../protocol/kafka-topic-configs.js";

export type EdgelogSettings = Record<string, number | boolean | string>;

export type ConfigsResult = { ok: true; settings: EdgelogSettings } | { ok: false; message: string };

export function edgelogSettingsOf(configs: { name: string; value: string | null }[]): ConfigsResult {
  const settings: EdgelogSettings = {};
  for (const { name, value } of configs) {
    const field = kafkaConfigField(name);
    if (!field) return { ok: false, message: `config ${name} is not supported` };
    const parsed = value === null ? null : fromKafkaValue(field, value);
    if (parsed === null) return { ok: false, message: `config ${name}: invalid value ${value}` };
    settings[field] = parsed;
  }
  return { ok: true, settings };
}

/** Kafka's DYNAMIC_TOPIC_CONFIG source: every config is the topic's own. */
export const TOPIC_CONFIG_SOURCE = 1;

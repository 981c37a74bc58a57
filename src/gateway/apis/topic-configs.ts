// Kafka's topic config names for the settings Edgelog has. Only these can be set
// (CreateTopics) or are described (DescribeConfigs); any other is INVALID_CONFIG.

import type { TopicDescription } from "../edgelog-api.js";

type EdgelogSetting = "retentionMs" | "retentionBytes" | "minInsyncReplicas";

const SETTABLE: Record<string, EdgelogSetting> = {
  "retention.ms": "retentionMs",
  "retention.bytes": "retentionBytes",
  "min.insync.replicas": "minInsyncReplicas",
};

export type ConfigsResult =
  | { ok: true; settings: Partial<Record<EdgelogSetting, number>> }
  | { ok: false; message: string };

export function edgelogSettingsOf(configs: { name: string; value: string | null }[]): ConfigsResult {
  const settings: Partial<Record<EdgelogSetting, number>> = {};
  for (const { name, value } of configs) {
    const setting = SETTABLE[name];
    if (!setting) return { ok: false, message: `config ${name} is not supported` };
    const number = Number(value);
    if (value === null || !Number.isSafeInteger(number))
      return { ok: false, message: `config ${name}: not an integer` };
    settings[setting] = number;
  }
  return { ok: true, settings };
}

/** Kafka's DYNAMIC_TOPIC_CONFIG source: every config is the topic's own. */
export const TOPIC_CONFIG_SOURCE = 1;

export interface DescribedConfig {
  name: string;
  value: string;
  readOnly: boolean;
}

export function kafkaConfigsOf(topic: TopicDescription): DescribedConfig[] {
  const { config } = topic;
  return [
    { name: "cleanup.policy", value: "delete", readOnly: true },
    { name: "min.insync.replicas", value: String(config.minInsyncReplicas), readOnly: false },
    { name: "retention.bytes", value: String(config.retentionBytes), readOnly: false },
    { name: "retention.ms", value: String(config.retentionMs), readOnly: false },
  ];
}

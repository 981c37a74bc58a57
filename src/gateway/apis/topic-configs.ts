// Kafka's topic config names for the settings Edgelog has. Only these can be set
// (CreateTopics) or are described (DescribeConfigs); any other is INVALID_CONFIG.

import type { TopicDescription } from "../edgelog-api.js";

type IntegerSetting =
  | "retentionMs"
  | "retentionBytes"
  | "minInsyncReplicas"
  | "minCompactionLagMs"
  | "maxCompactionLagMs"
  | "deleteRetentionMs";

export interface EdgelogSettings extends Partial<Record<IntegerSetting, number>> {
  cleanupPolicy?: string;
  minCleanableDirtyRatio?: number;
}

type EdgelogSetting = keyof EdgelogSettings;

const SETTABLE: Record<string, EdgelogSetting> = {
  "retention.ms": "retentionMs",
  "retention.bytes": "retentionBytes",
  "min.insync.replicas": "minInsyncReplicas",
  "cleanup.policy": "cleanupPolicy",
  "min.compaction.lag.ms": "minCompactionLagMs",
  "max.compaction.lag.ms": "maxCompactionLagMs",
  "delete.retention.ms": "deleteRetentionMs",
  "min.cleanable.dirty.ratio": "minCleanableDirtyRatio",
};

/** Kafka's max.compaction.lag.ms default (Long.MAX_VALUE): Edgelog's -1, unbounded. */
const KAFKA_UNBOUNDED_MS = "9223372036854775807";

export type ConfigsResult = { ok: true; settings: EdgelogSettings } | { ok: false; message: string };

export function edgelogSettingsOf(configs: { name: string; value: string | null }[]): ConfigsResult {
  const settings: EdgelogSettings = {};
  for (const { name, value } of configs) {
    const setting = SETTABLE[name];
    if (!setting) return { ok: false, message: `config ${name} is not supported` };
    const parsed = value === null ? null : settingValue(setting, value);
    if (parsed === null) return { ok: false, message: `config ${name}: invalid value ${value}` };
    Object.assign(settings, { [setting]: parsed });
  }
  return { ok: true, settings };
}

/** The value as Edgelog's field holds it; null when it is not one. The server checks
 * the ranges and the policy's name. */
function settingValue(setting: EdgelogSetting, value: string): string | number | null {
  if (setting === "cleanupPolicy") return value.replaceAll(" ", "");
  if (setting === "maxCompactionLagMs" && value === KAFKA_UNBOUNDED_MS) return -1;
  const number = Number(value);
  if (setting === "minCleanableDirtyRatio") return value.trim() !== "" && Number.isFinite(number) ? number : null;
  return Number.isSafeInteger(number) ? number : null;
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
  const maxLag = config.maxCompactionLagMs < 0 ? KAFKA_UNBOUNDED_MS : String(config.maxCompactionLagMs);
  return [
    { name: "cleanup.policy", value: config.cleanupPolicy, readOnly: false },
    { name: "delete.retention.ms", value: String(config.deleteRetentionMs), readOnly: false },
    { name: "max.compaction.lag.ms", value: maxLag, readOnly: false },
    { name: "min.cleanable.dirty.ratio", value: String(config.minCleanableDirtyRatio), readOnly: false },
    { name: "min.compaction.lag.ms", value: String(config.minCompactionLagMs), readOnly: false },
    { name: "min.insync.replicas", value: String(config.minInsyncReplicas), readOnly: false },
    { name: "retention.bytes", value: String(config.retentionBytes), readOnly: false },
    { name: "retention.ms", value: String(config.retentionMs), readOnly: false },
  ];
}

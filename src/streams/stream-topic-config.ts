// The topic config of a new stream: the default topic config with retentionMs -1 (a
// stream keeps its data until it is deleted or expires), or, with the Edgelog
// extension header Edgelog-Topic-Config, any field POST /v1/topics takes but name and
// partitions (a stream is one partition), validated by the same schema and rules.

import { jurisdictionSupported } from "../partition/replica-stub.js";
import { EdgelogError, refuse } from "../protocol/errors.js";
import { createTopicSchema } from "../protocol/schemas.js";
import { checkTopicConfig, isCompacted, type TopicConfig, topicFieldCode } from "../protocol/topic.js";
import type { AppContext } from "../router/context.js";
import { parseWith } from "../router/parse-input.js";

export const TOPIC_CONFIG_HEADER = "edgelog-topic-config";
const MAX_HEADER_LENGTH = 4_096;
const streamConfigSchema = createTopicSchema.omit({ name: true, partitions: true });

export function streamTopicConfig(c: AppContext): TopicConfig {
  const raw = c.req.header(TOPIC_CONFIG_HEADER) ?? "{}";
  if (raw.length > MAX_HEADER_LENGTH) {
    throw new EdgelogError("INVALID_REQUEST", `${TOPIC_CONFIG_HEADER} is over ${MAX_HEADER_LENGTH} characters`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new EdgelogError("INVALID_REQUEST", `${TOPIC_CONFIG_HEADER} is not JSON`);
  }
  const given = parseWith(streamConfigSchema, json, TOPIC_CONFIG_HEADER, topicFieldCode);
  const retentionMs = (json as { retentionMs?: number }).retentionMs ?? -1;
  const config: TopicConfig = { ...given, retentionMs };
  refuse(checkTopicConfig(config, c.get("limits")));
  if (isCompacted(config)) {
    throw new EdgelogError("INVALID_CONFIG", "a stream's appends have no key, so its topic cannot be compacted");
  }
  if (config.jurisdiction && !jurisdictionSupported(c.env, config.jurisdiction)) {
    throw new EdgelogError("INVALID_CONFIG", `jurisdiction ${config.jurisdiction} is not supported by this runtime`);
  }
  return config;
}

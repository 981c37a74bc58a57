// DescribeConfigs (key 32), v0-v2: a topic's settings under Kafka's names (from
// GET /v1/topics/{topic}); a broker has no settings of its own to describe.

import { mapBounded } from "../../common/bounded-map.js";
import { type KafkaConfigEntry, kafkaConfigEntries } from "../../protocol/kafka-topic-configs.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";
import { errorCodeOf, errorMessageOf } from "./call-error.js";
import { TOPIC_CONFIG_SOURCE } from "./topic-configs.js";

const TOPIC_RESOURCE = 2;
const BROKER_RESOURCE = 4;

interface Resource {
  type: number;
  name: string;
  keys: string[] | null;
}

interface Described {
  resource: Resource;
  errorCode: number;
  errorMessage: string | null;
  configs: KafkaConfigEntry[];
}

export const describeConfigsApi: KafkaApi = {
  key: 32,
  name: "DescribeConfigs",
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 4,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const { version } = context;
    const resources = request.array(
      false,
      (r): Resource => ({
        type: r.int8(),
        name: r.string(false),
        keys: r.nullableArray(false, (k) => k.string(false)),
      }),
    );
    if (version >= 1) request.bool(); // include_synonyms: there are none
    const described = await mapBounded(resources, context.limits.maxConcurrentCalls, (resource) =>
      describe(resource, context),
    );
    const writer = new Writer().int32(NO_THROTTLE_MS);
    return writer.array(described, false, (w, d) => {
      w.int16(d.errorCode).nullableString(d.errorMessage, false).int8(d.resource.type).string(d.resource.name, false);
      w.array(d.configs, false, (c, config) => {
        c.string(config.name, false).nullableString(config.value, false).bool(config.readOnly);
        if (version === 0) c.bool(false);
        else c.int8(TOPIC_CONFIG_SOURCE);
        c.bool(false); // is_sensitive
        if (version >= 1) c.array([], false, () => {});
      });
    });
  },
};

async function describe(resource: Resource, context: RequestContext): Promise<Described> {
  if (resource.type === BROKER_RESOURCE)
    return { resource, errorCode: KAFKA_ERROR.NONE, errorMessage: null, configs: [] };
  if (resource.type !== TOPIC_RESOURCE) {
    return { resource, errorCode: KAFKA_ERROR.INVALID_REQUEST, errorMessage: "only topics and brokers", configs: [] };
  }
  try {
    const all = kafkaConfigEntries((await context.edgelog.describeTopic(resource.name)).config);
    const configs = resource.keys === null ? all : all.filter((c) => resource.keys?.includes(c.name));
    return { resource, errorCode: KAFKA_ERROR.NONE, errorMessage: null, configs };
  } catch (error) {
    return { resource, errorCode: errorCodeOf(error), errorMessage: errorMessageOf(error), configs: [] };
  }
}

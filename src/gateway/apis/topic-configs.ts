// The gateway's side of Kafka's topic configs (protocol/kafka-topic-configs.ts has the
// names and their parsing): the source every described config has.

/** Kafka's DYNAMIC_TOPIC_CONFIG source: every config is the topic's own. */
export const TOPIC_CONFIG_SOURCE = 1;

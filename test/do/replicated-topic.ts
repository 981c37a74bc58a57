// A topic of replicationFactor 3 made through the real catalog and controller, with
// helpers to produce to, dump and describe each of its replicas.

import { env } from "cloudflare:workers";
import { controllerStub } from "../../src/controller/controller-stub.js";
import type { ProduceRecord } from "../../src/protocol/record-codec.js";
import { DEFAULT_TOPIC_CONFIG, type TopicMetadata } from "../../src/protocol/topic.js";
import { jsonRecord, produceRequest } from "./replica-helpers.js";

let n = 0;

export async function replicatedTopic(config: Partial<typeof DEFAULT_TOPIC_CONFIG> = {}) {
  const name = `repl-${n++}-${crypto.randomUUID().slice(0, 6)}`;
  const catalog = env.CATALOG.get(env.CATALOG.idFromName("catalog"));
  const created = await catalog.createTopic(name, 1, {
    ...DEFAULT_TOPIC_CONFIG,
    replicationFactor: 3,
    minInsyncReplicas: 2,
    retentionMs: -1,
    ...config,
  });
  if (!created.ok) throw new Error(created.error.message);
  const { topicId } = created.metadata;
  const replica = (r: number) => env.REPLICA.get(env.REPLICA.idFromName(`${topicId}/0/${r}`));
  const controller = controllerStub(env, topicId);
  const state = async () => {
    const found = await controller.metadata();
    if (!found.ok) throw new Error(found.error.message);
    return (found.metadata as TopicMetadata).partitions[0]!;
  };
  const produceRecords = (r: number, records: ProduceRecord[], acks: "all" | "1" = "all") =>
    replica(r).produce(produceRequest({ acks, producer: null, format: "json", records }));
  const produce = (r: number, values: unknown[], acks: "all" | "1" = "all") =>
    produceRecords(
      r,
      values.map((v) => jsonRecord(v)),
      acks,
    );
  const log = async (r: number) => {
    const dump = await replica(r).dumpLog(0);
    return { ...dump, values: (JSON.parse(dump.records) as { value: unknown }[]).map((x) => x.value) };
  };
  const status = async (r: number) => {
    const described = await replica(r).describe();
    if (!described.ok) throw new Error(described.error.message);
    return described;
  };
  return { name, topicId, replica, controller, state, produce, produceRecords, log, status };
}

// The kafkajs-compatible API against a real cluster: kafkajs' shapes (bytes, string
// offsets, per-partition send results, batch helpers), pause() and seek() as kafkajs
// users call them, the admin surface, and the clear refusals of what Edgelog lacks.

import { expect, it } from "vitest";
import { freePort } from "../../scripts/wrangler-dev.mjs";
import {
  ConfigResourceTypes,
  Kafka,
  type KafkaConfig,
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNotImplemented,
  KafkaJSProtocolError,
  type KafkaMessage,
  type LogEntry,
  logLevel,
} from "../../src/client/kafkajs/index.js";
import { until } from "./group-client.js";
import { baseUrl, uniqueTopic } from "./http.js";

const kafka = (config: Partial<KafkaConfig> = {}) =>
  new Kafka({ brokers: [baseUrl()], clientId: "kafkajs-api", logLevel: logLevel.ERROR, ...config });

const text = (bytes: Uint8Array | null | undefined) => (bytes ? new TextDecoder().decode(bytes) : null);

it("sends per kafkajs and hands back bytes, string offsets and batch helpers", async () => {
  const topic = uniqueTopic("kjs-send");
  const client = kafka();
  await client.admin().createTopics({ topics: [{ topic, numPartitions: 2 }] });
  const producer = client.producer();
  await producer.connect();
  const first = await producer.send({
    topic,
    acks: -1,
    messages: [
      { key: "a", value: "one", partition: 0, headers: { trace: "t1", raw: new TextEncoder().encode("r1") } },
      {
        key: new TextEncoder().encode("b"),
        value: new Uint8Array([0, 1, 255]),
        partition: 0,
        timestamp: "1700000000000",
      },
      { value: null, partition: 1 },
    ],
  });
  const second = await producer.sendBatch({
    acks: 1,
    topicMessages: [{ topic, messages: [{ value: "two", partition: 0 }] }],
  });
  await producer.send({ topic, acks: 0, messages: [{ value: "three", partition: 0 }] });
  await producer.disconnect();
  expect(first.map(({ partition, baseOffset, errorCode }) => ({ partition, baseOffset, errorCode }))).toEqual([
    { partition: 0, baseOffset: "0", errorCode: 0 },
    { partition: 1, baseOffset: "0", errorCode: 0 },
  ]);
  expect(second).toMatchObject([{ topicName: topic, partition: 0, baseOffset: "2" }]);

  const consumer = client.consumer({ groupId: uniqueTopic("g"), maxWaitTimeInMs: 200 });
  await consumer.subscribe({ topics: [new RegExp(`^${topic}$`)], fromBeginning: true });
  const seen: KafkaMessage[] = [];
  const lags: string[] = [];
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset }) => {
      for (const message of batch.messages) {
        seen.push(message);
        resolveOffset(message.offset);
      }
      if (batch.partition === 0) lags.push(`${batch.highWatermark}/${batch.lastOffset()}/${batch.offsetLag()}`);
    },
  });
  await until(async () => seen.length === 5, 10_000);
  await consumer.disconnect();
  expect(seen.map((m) => [m.offset, text(m.key), m.value === null ? null : [...m.value]])).toEqual(
    expect.arrayContaining([
      ["0", "a", [...new TextEncoder().encode("one")]],
      ["1", "b", [0, 1, 255]],
      ["0", null, null],
    ]),
  );
  const one = seen.find((m) => text(m.value) === "one")!;
  expect(Object.fromEntries(Object.entries(one.headers).map(([k, v]) => [k, text(v)]))).toEqual({
    trace: "t1",
    raw: "r1",
  });
  expect(seen.find((m) => text(m.key) === "b")?.timestamp).toBe("1700000000000");
  expect(lags.at(-1)).toBe("4/3/0");
});

it("pause() in eachMessage holds the rest of the batch, and a seek made before assignment applies", async () => {
  const topic = uniqueTopic("kjs-pause");
  const client = kafka();
  const producer = client.producer();
  await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })) });
  await producer.disconnect();
  const consumer = client.consumer({ groupId: uniqueTopic("g"), maxWaitTimeInMs: 200 });
  await consumer.subscribe({ topic, fromBeginning: true });
  consumer.seek({ topic, partition: 0, offset: "5" });
  const offsets: string[] = [];
  let resume: (() => void) | null = null;
  await consumer.run({
    eachMessage: async ({ message, pause }) => {
      offsets.push(message.offset);
      if (message.offset === "6" && !resume) resume = pause();
    },
  });
  await until(async () => offsets.length >= 2, 10_000);
  await new Promise((r) => setTimeout(r, 500));
  expect(offsets).toEqual(["5", "6"]);
  expect(consumer.paused()).toEqual([{ topic, partitions: [0] }]);
  resume!();
  await until(async () => offsets.length === 5, 10_000);
  expect(offsets).toEqual(["5", "6", "7", "8", "9"]);
  await consumer.disconnect();
});

it("a handler's error crashes the consumer, and run() starts it again at the failed message", async () => {
  const topic = uniqueTopic("kjs-crash");
  const client = kafka({ logLevel: logLevel.NOTHING });
  await client.producer().send({ topic, messages: ["a", "b", "c"].map((value) => ({ value })) });
  const consumer = client.consumer({ groupId: uniqueTopic("g"), maxWaitTimeInMs: 200 });
  await consumer.subscribe({ topic, fromBeginning: true });
  const crashed = new Promise<{ error: Error; restart: boolean }>((resolve) =>
    consumer.on(consumer.events.CRASH, (event) =>
      resolve((event as { payload: { error: Error; restart: boolean } }).payload),
    ),
  );
  const offsets: string[] = [];
  let failed = false;
  const eachMessage = async ({ message }: { message: KafkaMessage }) => {
    if (message.offset === "1" && !failed) {
      failed = true;
      throw new Error("boom");
    }
    offsets.push(message.offset);
  };
  await consumer.run({ eachMessage });
  const crash = await crashed;
  expect([crash.error.message, crash.restart]).toEqual(["boom", false]);
  // It committed what came before the failure and left the group.
  await until(async () => (await consumer.describeGroup()).members.length === 0, 10_000);
  await consumer.run({ eachMessage });
  await until(async () => offsets.length === 3, 10_000);
  expect(offsets).toEqual(["0", "1", "2"]);
  await consumer.disconnect();
});

it("administers topics, configs, offsets and groups in kafkajs' shapes", async () => {
  const topic = uniqueTopic("kjs-admin");
  const groupId = uniqueTopic("g");
  const admin = kafka().admin();
  await admin.connect();
  const create = { topic, numPartitions: 2, configEntries: [{ name: "retention.ms", value: "3600000" }] };
  expect(await admin.createTopics({ topics: [create] })).toBe(true);
  expect(await admin.createTopics({ topics: [create] })).toBe(false);
  expect(await admin.listTopics()).toContain(topic);
  const resource = {
    type: ConfigResourceTypes.TOPIC,
    name: topic,
    configNames: ["retention.ms", "min.insync.replicas"],
  };
  const before = await admin.describeConfigs({ resources: [resource], includeSynonyms: false });
  expect(before.resources[0]!.configEntries.map((e) => [e.configName, e.configValue, e.isDefault])).toEqual([
    ["retention.ms", "3600000", false],
    ["min.insync.replicas", "1", true],
  ]);
  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ ...resource, configEntries: [{ name: "retention.ms", value: "7200000" }] }],
  });
  const after = await admin.describeConfigs({ resources: [resource], includeSynonyms: false });
  expect(after.resources[0]!.configEntries[0]!.configValue).toBe("7200000");
  const unknown = await admin
    .alterConfigs({
      validateOnly: false,
      resources: [{ ...resource, configEntries: [{ name: "cleanup.policy", value: "compact" }] }],
    })
    .catch((e) => e);
  expect(unknown).toBeInstanceOf(KafkaJSProtocolError);
  expect([unknown.type, unknown.code, unknown.retriable]).toEqual(["INVALID_CONFIG", 40, false]);

  expect(await admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] })).toBe(true);
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  expect(metadata.topics[0]!.partitions.map((p) => p.partitionId)).toEqual([0, 1, 2]);

  const producer = kafka().producer();
  await producer.send({ topic, messages: Array.from({ length: 4 }, (_, i) => ({ value: `v${i}`, partition: 1 })) });
  await producer.disconnect();
  expect(await admin.fetchTopicOffsets(topic)).toEqual([
    { partition: 0, offset: "0", high: "0", low: "0" },
    { partition: 1, offset: "4", high: "4", low: "0" },
    { partition: 2, offset: "0", high: "0", low: "0" },
  ]);
  const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, Date.now() - 60_000);
  expect(byTime.find((p) => p.partition === 1)?.offset).toBe("0");

  await admin.setOffsets({ groupId, topic, partitions: [0, 1, 2].map((partition) => ({ partition, offset: "2" })) });
  const refusedSet = await admin
    .setOffsets({ groupId, topic, partitions: [{ partition: 1, offset: "3" }] })
    .catch((e) => e);
  expect(refusedSet).toBeInstanceOf(KafkaJSNonRetriableError);
  expect((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions.map((p) => p.offset)).toEqual([
    "0",
    "2",
    "0",
  ]);
  await admin.resetOffsets({ groupId, topic, earliest: true });
  expect((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions.map((p) => p.offset)).toEqual([
    "0",
    "0",
    "0",
  ]);
  expect((await admin.listGroups()).groups).toContainEqual({ groupId, protocolType: "consumer" });
  expect((await admin.describeGroups([groupId])).groups[0]).toMatchObject({ groupId, state: "Empty", members: [] });
  expect(await admin.deleteGroups([groupId])).toEqual([{ groupId, errorCode: 0 }]);
  const missing = await admin.deleteGroups([groupId]).catch((e) => e);
  expect(missing.groups.map((g: { errorCode: number }) => g.errorCode)).toEqual([69]);
  await admin.deleteTopics({ topics: [topic] });
  expect(await admin.listTopics()).not.toContain(topic);
  await admin.disconnect();
});

it("refuses what Edgelog cannot do, with kafkajs' error classes", async () => {
  expect(() => kafka().producer({ transactionalId: "tx" })).toThrow(KafkaJSNonRetriableError);
  await expect(kafka().producer().transaction()).rejects.toBeInstanceOf(KafkaJSNotImplemented);
  await expect(kafka().admin().createAcls()).rejects.toThrow(/scoped tokens/);
  expect(() => kafka({ sasl: { mechanism: "scram-sha-256" } as never })).toThrow(/SASL mechanism scram-sha-256/);
  await expect(kafka().producer({ idempotent: true }).send({ topic: "t", acks: 1, messages: [] })).rejects.toThrow(
    /idempotent/,
  );
  const noTopic = await kafka()
    .producer({ allowAutoTopicCreation: false })
    .send({ topic: uniqueTopic("absent"), messages: [{ value: "x" }] })
    .catch((e) => e);
  expect(noTopic).toBeInstanceOf(KafkaJSProtocolError);
  expect([noTopic.type, noTopic.code, noTopic.retriable]).toEqual(["UNKNOWN_TOPIC_OR_PARTITION", 3, false]);
  const down = new Kafka({
    brokers: [`127.0.0.1:${await freePort()}`],
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const refused = await down
    .admin()
    .listTopics()
    .catch((e) => e);
  expect(refused).toBeInstanceOf(KafkaJSConnectionError);
  expect(refused).toBeInstanceOf(KafkaJSError);
  expect(refused.retriable).toBe(true);
});

it("logs through logCreator, by namespace and level", async () => {
  const entries: LogEntry[] = [];
  const client = kafka({ logLevel: logLevel.INFO, logCreator: () => (entry) => entries.push(entry) });
  const topic = uniqueTopic("kjs-log");
  await client.producer().send({ topic, messages: [{ value: "x" }] });
  client.logger().debug("not shown");
  expect(entries.map((e) => [e.namespace, e.label, e.log.message])).toEqual([
    ["Producer", "INFO", `created topic ${topic} (allowAutoTopicCreation)`],
  ]);
});

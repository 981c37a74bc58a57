// A compacted topic through the gateway: kafkajs creates it with Kafka's config names
// and describes them, kcat (librdkafka) reads across its gaps to the end, a trailing
// gap included (an empty batch), and a kafkajs group consumer gets the kept records.

import { createRequire } from "node:module";
import type { Kafka as KafkaType } from "kafkajs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { kcat, startTestGateway, type TestGateway } from "./gateway.js";
import { until } from "./group-client.js";
import { call, produce, uniqueTopic } from "./http.js";

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require("kafkajs") as typeof import("kafkajs");

let gateway: TestGateway;
let kafka: KafkaType;

beforeAll(async () => {
  gateway = await startTestGateway();
  kafka = new Kafka({ clientId: "gateway-compacted", brokers: [gateway.broker], logLevel: logLevel.NOTHING });
});

afterAll(async () => {
  await gateway?.close();
});

const fetched = async (topic: string) =>
  (await call("GET", `/v1/topics/${topic}/partitions/0/records?offset=0`)).body as {
    records: { offset: number; key: string }[];
    nextOffset: number;
  };

it("Kafka clients read a compacted topic across its gaps, a trailing one included", async () => {
  const topic = uniqueTopic("gw-compact");
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        {
          topic,
          configEntries: [
            { name: "cleanup.policy", value: "compact" },
            { name: "min.cleanable.dirty.ratio", value: "0" },
            { name: "delete.retention.ms", value: "0" },
          ],
        },
      ],
    });
    const described = await admin.describeConfigs({
      resources: [{ type: 2, name: topic, configNames: ["cleanup.policy", "max.compaction.lag.ms"] }],
      includeSynonyms: false,
    });
    expect(described.resources[0]?.configEntries.map((e) => [e.configName, e.configValue])).toEqual([
      ["cleanup.policy", "compact"],
      ["max.compaction.lag.ms", "9223372036854775807"],
    ]);
  } finally {
    await admin.disconnect();
  }
  // a@0, b@1, a@2, then b's tombstone (@3), dropped at once once its pass kept it
  // (deleteRetentionMs 0), then x@4 and its tombstone (@5): offsets 4 and 5 end empty.
  for (const [key, value] of [
    ["a", 1],
    ["b", 1],
    ["a", 2],
    ["b", null],
    ["x", 1],
    ["x", null],
  ] as const) {
    expect((await produce(topic, [{ key, value }])).status).toBe(200);
  }
  await until(async () => {
    const { records, nextOffset } = await fetched(topic);
    return JSON.stringify(records.map((r) => [r.offset, r.key])) === '[[2,"a"]]' && nextOffset === 6;
  }, 20_000);

  const consumed = await kcat(["-b", gateway.broker, "-C", "-t", topic, "-o", "beginning", "-e", "-f", "%o %k:%s\\n"]);
  expect(consumed.code, consumed.stderr).toBe(0);
  expect(consumed.stdout.trim().split("\n")).toEqual(["2 a:2"]);

  const seen: [string, string | undefined][] = [];
  const consumer = kafka.consumer({ groupId: uniqueTopic("gw-compact-group"), maxWaitTimeInMs: 500 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => void seen.push([message.offset, message.key?.toString()]),
    });
    await until(async () => seen.length >= 1, 20_000);
    expect((await produce(topic, [{ key: "c", value: 1 }])).status).toBe(200);
    await until(async () => seen.length >= 2, 20_000);
  } finally {
    await consumer.disconnect();
  }
  expect(seen).toEqual([
    ["2", "a"],
    ["6", "c"],
  ]);
});

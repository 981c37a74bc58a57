// kafkajs 2.2.4 over TCP through the gateway: the admin client (create, list, describe
// configs, add partitions, delete) and an idempotent producer, checked over HTTP.

import { createRequire } from "node:module";
import type { Kafka as KafkaType } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "./gateway.js";
import { call, fetchAll, uniqueTopic } from "./http.js";

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require("kafkajs") as typeof import("kafkajs");

let gateway: TestGateway;
let kafka: KafkaType;

beforeAll(async () => {
  gateway = await startTestGateway();
  kafka = new Kafka({
    clientId: "gateway-test",
    brokers: [gateway.broker],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3 },
  });
});

afterAll(async () => {
  await gateway?.close();
});

describe("kafkajs through the gateway", () => {
  it("admin: create with configs, list, describe configs, add partitions, delete", async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topic = uniqueTopic("kjs-admin");
      const created = await admin.createTopics({
        topics: [
          {
            topic,
            numPartitions: 2,
            configEntries: [
              { name: "retention.ms", value: "3600000" },
              { name: "replica.lag.time.max.ms", value: "20000" },
              { name: "follower.fetch.enable", value: "true" },
            ],
          },
        ],
      });
      expect(created).toBe(true);
      expect(await admin.listTopics()).toContain(topic);
      const described = await call("GET", `/v1/topics/${topic}`);
      expect(described.body.config).toMatchObject({
        retentionMs: 3_600_000,
        replicaLagTimeMs: 20_000,
        followerFetch: true,
      });
      expect(described.body.partitions).toHaveLength(2);
      const configs = await admin.describeConfigs({
        resources: [{ type: 2, name: topic, configNames: ["retention.ms", "replica.lag.time.max.ms"] }],
        includeSynonyms: false,
      });
      expect(configs.resources[0]?.configEntries).toMatchObject([
        { configName: "replica.lag.time.max.ms", configValue: "20000", readOnly: true },
        { configName: "retention.ms", configValue: "3600000", readOnly: false },
      ]);
      await expect(admin.createTopics({ topics: [{ topic, numPartitions: 1 }] })).resolves.toBe(false);
      await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
      expect((await call("GET", `/v1/topics/${topic}`)).body.partitions).toHaveLength(4);
      const refused = admin.createTopics({
        topics: [{ topic: `${topic}-bad`, configEntries: [{ name: "segment.bytes", value: "1048576" }] }],
      });
      await expect(refused).rejects.toMatchObject({ errors: [{ type: "INVALID_CONFIG" }] });
      // A value out of range is Kafka's INVALID_CONFIG too, as is a policy it does not know.
      for (const [name, value] of [
        ["retention.ms", "-5"],
        ["cleanup.policy", "archive"],
      ] as const) {
        const outOfRange = admin.createTopics({
          topics: [{ topic: `${topic}-bad`, configEntries: [{ name, value }] }],
        });
        await expect(outOfRange, name).rejects.toMatchObject({ errors: [{ type: "INVALID_CONFIG" }] });
      }
      await admin.deleteTopics({ topics: [topic] });
      expect((await call("GET", `/v1/topics/${topic}`)).status).toBe(404);
      expect(await admin.listTopics()).not.toContain(topic);
    } finally {
      await admin.disconnect();
    }
  });

  it("an idempotent producer's keyed records land once, on kafkajs' (murmur2) partitions; ListOffsets by timestamp", async () => {
    const topic = uniqueTopic("kjs-produce");
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent: string[] = [];
    for (let batch = 0; batch < 5; batch++) {
      const messages = Array.from({ length: 20 }, (_, i) => ({
        key: `user-${(batch * 20 + i) % 9}`,
        value: `m-${batch * 20 + i}`,
        headers: { n: String(batch * 20 + i) },
      }));
      const metadata = await producer.send({ topic, acks: -1, messages });
      for (const m of metadata) expect(m.errorCode).toBe(0);
      sent.push(...messages.map((m) => m.value));
    }
    await producer.disconnect();
    const admin2 = kafka.admin();
    await admin2.connect();
    const latest = await admin2.fetchTopicOffsets(topic);
    expect(latest.reduce((sum, p) => sum + Number(p.high), 0)).toBe(100);
    expect(latest.every((p) => p.low === "0")).toBe(true);
    const future = await admin2.fetchTopicOffsetsByTimestamp(topic, Date.now() + 3_600_000);
    expect(future.map((p) => Number(p.offset)).sort()).toEqual(latest.map((p) => Number(p.high)).sort());
    const past = await admin2.fetchTopicOffsetsByTimestamp(topic, Date.now() - 3_600_000);
    expect(past.every((p) => p.offset === "0")).toBe(true);
    await admin2.disconnect();
    const stored = await Promise.all(
      [0, 1, 2].map((p) => fetchAll<{ key: string; value: string; headers: object }>(topic, p)),
    );
    // The gateway produces bytes (base64), so a JSON read gives them back as base64.
    const all = stored.flat();
    expect(all).toHaveLength(100);
    const { kafkajsPartition } = await import("../kafkajs-oracle.js");
    for (const [p, records] of stored.entries()) {
      for (const record of records) {
        const key = Buffer.from(record.key, "base64").toString();
        expect(kafkajsPartition(key, 3)).toBe(p);
      }
    }
    const values = all.map((r) => Buffer.from(r.value, "base64").toString()).sort();
    expect(values).toEqual(sent.sort());
  });

  // kafkajs may put concurrent sends on the wire in another order than they were called,
  // so arrival order is kcat's test (gateway-kcat.test.ts); this one checks the offsets.
  it("pipelined sends to one partition: each is stored whole, at the base offset it was answered", async () => {
    const topic = uniqueTopic("kjs-pipelined");
    await call("POST", "/v1/topics", { name: topic, partitions: 1, replicationFactor: 1 });
    const producer = kafka.producer();
    await producer.connect();
    const rowsBefore = await rowsWritten(topic);
    try {
      // 12 sends in flight on one connection: they queue behind each other's calls, so
      // the gateway sends the queued ones together (partition-appender.ts).
      const sends = Array.from({ length: 12 }, (_, s) =>
        producer.send({
          topic,
          acks: 1,
          messages: Array.from({ length: 5 + s }, (_, i) => ({ key: `s${s}`, value: `${s}:${i}` })),
        }),
      );
      const answers = await Promise.all(sends);
      // One stored row per call: fewer rows than sends, so some calls carried several.
      const written = (await rowsWritten(topic)) - rowsBefore;
      expect(written).toBeGreaterThan(0);
      expect(written).toBeLessThan(sends.length);
      const stored = await fetchAll<{ offset: number; value: string }>(topic, 0);
      expect(stored).toHaveLength(answers.reduce((sum, _, s) => sum + 5 + s, 0));
      const values = new Map(stored.map((r) => [r.offset, Buffer.from(r.value, "base64").toString()]));
      for (const [s, answer] of answers.entries()) {
        const base = Number(answer[0]?.baseOffset);
        for (let i = 0; i < 5 + s; i++) expect(values.get(base + i)).toBe(`${s}:${i}`);
      }
    } finally {
      await producer.disconnect();
    }
  });
});

/** The rows the topic's replicas have written, from Edgelog's /metrics. */
async function rowsWritten(topic: string): Promise<number> {
  const metrics = await call("GET", "/metrics");
  const pattern = new RegExp(`^edgelog_sqlite_rows_written_total\\{topic="${topic}",[^}]*\\} (\\d+)$`, "gm");
  return [...metrics.text.matchAll(pattern)].reduce((sum, match) => sum + Number(match[1]), 0);
}

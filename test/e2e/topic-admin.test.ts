// Topic administration over HTTP: create, list, describe, alter config, add
// partitions, delete and re-create.

import { describe, expect, it } from "vitest";
import { kafkajsPartition } from "../kafkajs-oracle.js";
import { call, createTopic, fetchRecords, produce, uniqueTopic } from "./http.js";

const DEFAULT_CONFIG = {
  replicationFactor: 1,
  minInsyncReplicas: 1,
  retentionMs: 604_800_000,
  retentionBytes: -1,
};

function emptyPartition(partition: number) {
  return {
    partition,
    leader: 0,
    leaderEpoch: 0,
    replicas: [0],
    isr: [0],
    logStartOffset: 0,
    highWatermark: 0,
  };
}

const describeTopic = (topic: string) => call("GET", `/v1/topics/${topic}`);

interface TopicListing {
  name: string;
  topicId: string;
  partitions: number;
  config: Record<string, unknown>;
}

async function listed(topic: string): Promise<TopicListing | undefined> {
  const reply = await call("GET", "/v1/topics");
  expect(reply.status).toBe(200);
  return (reply.body.topics as TopicListing[]).find((t) => t.name === topic);
}

describe("topics", () => {
  it("creates a topic and describes it with default config and empty partitions", async () => {
    const topic = uniqueTopic("create");
    const reply = await call("POST", "/v1/topics", { name: topic, partitions: 3 });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(reply.body.name).toBe(topic);
    expect(typeof reply.body.topicId).toBe("string");
    expect(reply.body.topicId.length).toBeGreaterThan(0);
    expect(reply.body.config).toMatchObject(DEFAULT_CONFIG);
    expect(reply.body.config.followerFetch ?? false).toBe(false);
    expect(reply.body.partitions).toHaveLength(3);
    reply.body.partitions.forEach((p: unknown, i: number) => {
      expect(p).toMatchObject(emptyPartition(i));
    });

    const described = await describeTopic(topic);
    expect(described.status).toBe(200);
    expect(described.body).toMatchObject({ name: topic, topicId: reply.body.topicId, config: DEFAULT_CONFIG });
    expect(described.body.partitions).toHaveLength(3);

    const again = await call("POST", "/v1/topics", { name: topic, partitions: 1 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("TOPIC_ALREADY_EXISTS");
    expect((await describeTopic(topic)).body.topicId).toBe(reply.body.topicId);
  });

  it("lists the topic with its partition count and config", async () => {
    const topic = uniqueTopic("list");
    const created = await createTopic(topic, 4, { retentionMs: 3_600_000 });
    expect(await listed(topic)).toMatchObject({
      name: topic,
      topicId: created.topicId,
      partitions: 4,
      config: { ...DEFAULT_CONFIG, retentionMs: 3_600_000 },
    });
  });

  it("shows each partition's highWatermark after produces", async () => {
    const topic = uniqueTopic("describe");
    await createTopic(topic, 3);
    const reply = await produce(topic, [
      { value: 1, partition: 0 },
      { value: 2, partition: 0 },
      { value: 3, partition: 2 },
      { value: 4, partition: 0 },
    ]);
    expect(reply.status).toBe(200);
    const described = await describeTopic(topic);
    expect(described.status).toBe(200);
    expect(described.body.partitions).toHaveLength(3);
    expect(described.body.partitions[0]).toMatchObject({ ...emptyPartition(0), highWatermark: 3 });
    expect(described.body.partitions[1]).toMatchObject(emptyPartition(1));
    expect(described.body.partitions[2]).toMatchObject({ ...emptyPartition(2), highWatermark: 1 });
  });

  it("changes retentionMs with PATCH", async () => {
    const topic = uniqueTopic("patch");
    await createTopic(topic, 1);
    const reply = await call("PATCH", `/v1/topics/${topic}`, { retentionMs: 86_400_000 });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const expected = { ...DEFAULT_CONFIG, retentionMs: 86_400_000 };
    expect((await describeTopic(topic)).body.config).toMatchObject(expected);
    expect((await listed(topic))?.config).toMatchObject(expected);
    // The topic still works after the change.
    expect((await produce(topic, [{ value: "after patch" }])).body.results).toEqual([{ partition: 0, offset: 0 }]);
  });

  it("grows the partition count, and records reach the new partitions", async () => {
    const topic = uniqueTopic("grow");
    await createTopic(topic, 2);
    expect((await produce(topic, [{ value: "old", partition: 1 }])).status).toBe(200);

    const grown = await call("POST", `/v1/topics/${topic}/partitions`, { count: 5 });
    expect(grown.status, JSON.stringify(grown.body)).toBe(200);
    const described = await describeTopic(topic);
    expect(described.body.partitions).toHaveLength(5);
    expect(described.body.partitions[1]).toMatchObject({ ...emptyPartition(1), highWatermark: 1 });
    for (const p of [2, 3, 4]) expect(described.body.partitions[p]).toMatchObject(emptyPartition(p));
    expect((await listed(topic))?.partitions).toBe(5);

    const explicit = await produce(topic, [{ value: "new", partition: 4 }]);
    expect(explicit.status, JSON.stringify(explicit.body)).toBe(200);
    expect(explicit.body.results).toEqual([{ partition: 4, offset: 0 }]);
    expect((await fetchRecords(topic, 4, "offset=0")).body.records[0]).toMatchObject({ offset: 0, value: "new" });

    // Keys now hash over 5 partitions: pick keys that land on each new partition.
    const keys = Array.from({ length: 60 }, (_, i) => `grow-key-${i}`);
    const keyed = await produce(
      topic,
      keys.map((key) => ({ key, value: key })),
    );
    expect(keyed.status, JSON.stringify(keyed.body)).toBe(200);
    const expected = keys.map((key) => kafkajsPartition(key, 5));
    expect(keyed.body.results.map((r: { partition: number }) => r.partition)).toEqual(expected);
    for (const p of [2, 3]) {
      const onP = keys.filter((_, i) => expected[i] === p);
      expect(onP.length).toBeGreaterThan(0);
      const records = (await fetchRecords(topic, p, "offset=0")).body.records;
      expect(records.map((r: { key: string }) => r.key)).toEqual(onP);
    }

    const shrink = await call("POST", `/v1/topics/${topic}/partitions`, { count: 3 });
    expect(shrink.status).toBe(400);
    expect(shrink.body.error.code).toBe("INVALID_PARTITIONS");
    expect((await describeTopic(topic)).body.partitions).toHaveLength(5);
  });

  it("deletes a topic: describe, produce and fetch then answer 404 UNKNOWN_TOPIC_OR_PARTITION", async () => {
    const topic = uniqueTopic("delete");
    await createTopic(topic, 2);
    expect((await produce(topic, [{ value: "doomed", partition: 0 }])).status).toBe(200);

    const deleted = await call("DELETE", `/v1/topics/${topic}`);
    expect(deleted.status).toBe(204);

    const replies = {
      describe: await describeTopic(topic),
      produce: await produce(topic, [{ value: "late", partition: 0 }]),
      fetch: await fetchRecords(topic, 0, "offset=0"),
      offsets: await call("GET", `/v1/topics/${topic}/partitions/0/offsets?at=latest`),
      delete: await call("DELETE", `/v1/topics/${topic}`),
    };
    for (const [what, reply] of Object.entries(replies)) {
      expect(reply.status, `${what}: ${JSON.stringify(reply.body)}`).toBe(404);
      expect(reply.body.error.code, what).toBe("UNKNOWN_TOPIC_OR_PARTITION");
      expect(reply.body.error.retriable, what).toBe(false);
    }
    expect(await listed(topic)).toBeUndefined();
  });

  it("re-creates a deleted name with a new topicId and an empty log", async () => {
    const topic = uniqueTopic("recreate");
    const first = await createTopic(topic, 2);
    expect(
      (
        await produce(
          topic,
          [0, 1, 2].map((value) => ({ value, partition: 0 })),
        )
      ).status,
    ).toBe(200);
    expect((await call("DELETE", `/v1/topics/${topic}`)).status).toBe(204);

    const second = await createTopic(topic, 2);
    expect(second.topicId).not.toBe(first.topicId);
    const described = await describeTopic(topic);
    expect(described.body.topicId).toBe(second.topicId);
    expect(described.body.partitions).toMatchObject([emptyPartition(0), emptyPartition(1)]);

    const fetched = await fetchRecords(topic, 0, "offset=0");
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual({ records: [], nextOffset: 0, highWatermark: 0, logStartOffset: 0 });

    const produced = await produce(topic, [{ value: "fresh", partition: 0 }]);
    expect(produced.body.results).toEqual([{ partition: 0, offset: 0 }]);
    const records = (await fetchRecords(topic, 0, "offset=0")).body.records;
    expect(records.map((r: { offset: number; value: unknown }) => [r.offset, r.value])).toEqual([[0, "fresh"]]);
  });
});

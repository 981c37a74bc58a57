// A compacted topic over HTTP on a real wrangler dev: config and keyless refusal, the
// log rebuilt from the last record of each key, and readers across its gaps (a group
// member resuming from a committed offset inside one, the live tail).

import { expect, it } from "vitest";
import type { KafkaMessage } from "../../src/client/index.js";
import { GroupMember, until } from "./group-client.js";
import { baseUrl, call, createTopic, produce, uniqueTopic } from "./http.js";
import { client, producerOptions } from "./sdk.js";
import { readEvents } from "./sse.js";

interface Fetched {
  offset: number;
  key: string;
  value: unknown;
}

const COMPACT = { cleanupPolicy: "compact", minCleanableDirtyRatio: 0 };

async function records(topic: string, offset: number): Promise<Fetched[]> {
  const reply = await call("GET", `/v1/topics/${topic}/partitions/0/records?offset=${offset}&maxRecords=1000`);
  expect(reply.status, reply.text).toBe(200);
  return (reply.body.records as Fetched[]).map(({ offset, key, value }) => ({ offset, key, value }));
}

it("refuses keyless records and a change to delete; describes its config", async () => {
  const topic = uniqueTopic("compact-config");
  await createTopic(topic, 1, { ...COMPACT, minCompactionLagMs: 5, maxCompactionLagMs: 60_000 });
  const keyless = await produce(topic, [{ key: "a", value: 1 }, { value: 2 }]);
  expect(keyless.status).toBe(400);
  expect(keyless.body.error).toMatchObject({ code: "INVALID_RECORD" });
  expect(await records(topic, 0)).toEqual([]);
  const toDelete = await call("PATCH", `/v1/topics/${topic}`, { cleanupPolicy: "delete" });
  expect(toDelete.status).toBe(400);
  expect(toDelete.body.error).toMatchObject({ code: "INVALID_CONFIG" });
  const both = await call("PATCH", `/v1/topics/${topic}`, {
    cleanupPolicy: "compact,delete",
    deleteRetentionMs: 1_000,
  });
  expect(both.status, both.text).toBe(200);
  expect(both.body.config).toMatchObject({
    cleanupPolicy: "compact,delete",
    minCompactionLagMs: 5,
    maxCompactionLagMs: 60_000,
    deleteRetentionMs: 1_000,
    minCleanableDirtyRatio: 0,
  });
  const bad = await call("POST", "/v1/topics", { name: uniqueTopic("compact-bad"), minCleanableDirtyRatio: 2 });
  expect(bad.status).toBe(400);
});

it("keeps each key's last record; a group member resumes inside a gap, the live tail passes the gaps", async () => {
  const topic = uniqueTopic("compact-readers");
  await createTopic(topic, 1, COMPACT);
  // Offsets 0..5, one produce (one row) each: c1 is overwritten twice, c2 once.
  for (const [key, value] of [
    ["c1", { name: "Ada" }],
    ["c2", { name: "Bob" }],
    ["c1", { name: "Ada L." }],
    ["c3", { name: "Cy" }],
    ["c2", null],
    ["c1", { name: "Ada Lovelace" }],
  ] as const) {
    expect((await produce(topic, [{ key, value }])).status).toBe(200);
  }
  const expected = [
    { offset: 3, key: "c3", value: { name: "Cy" } },
    { offset: 4, key: "c2", value: null },
    { offset: 5, key: "c1", value: { name: "Ada Lovelace" } },
  ];
  await until(async () => JSON.stringify(await records(topic, 0)) === JSON.stringify(expected), 15_000);
  // A fetch from inside the gap starts at the next record; ListOffsets is unchanged.
  expect(await records(topic, 1)).toEqual(expected);
  const earliest = await call("GET", `/v1/topics/${topic}/partitions/0/offsets?at=earliest`);
  expect(earliest.body.offset).toBe(0);

  // A group member whose committed offset (1) falls in the gap resumes at offset 3.
  const group = uniqueTopic("compact-group");
  const member = await GroupMember.join(group, [topic]);
  expect((await member.commit([{ topic, partition: 0, offset: 1 }])).status).toBe(200);
  const fetched = await member.fetch({ maxWaitMs: 0 });
  expect(fetched.status, fetched.text).toBe(200);
  expect(fetched.body.records.map((r: Fetched) => r.offset)).toEqual([3, 4, 5]);
  await member.leave();

  // The live tail from 0 skips the gaps and then carries a new record.
  const url = `${baseUrl()}/v1/topics/${topic}/partitions/0/records?offset=0`;
  const events = await readEvents(url, {}, 4, async () => {
    expect((await produce(topic, [{ key: "c4", value: { name: "Di" } }])).status).toBe(200);
  });
  expect(events.map((e) => e.id)).toEqual(["3", "4", "5", "6"]);

  // The replica's compaction metrics.
  const metrics = await call("GET", "/metrics");
  const removed = new RegExp(`edgelog_compaction_records_removed_total\\{topic="${topic}",[^}]*\\} (\\d+)`).exec(
    metrics.text,
  );
  expect(Number(removed?.[1])).toBe(3);
  expect(metrics.text).toMatch(new RegExp(`edgelog_compaction_dirty_ratio\\{topic="${topic}",`));
});

it("an SDK group consumer reads a compacted log from the beginning: each key's last value, then new records", async () => {
  const edgelog = client();
  const topic = uniqueTopic("compact-sdk");
  await edgelog.admin().createTopic(topic, { cleanupPolicy: "compact", minCleanableDirtyRatio: 0 });
  const producer = edgelog.producer(await producerOptions());
  for (let round = 0; round < 4; round++) {
    await producer.send({ topic, messages: ["a", "b", "c"].map((key) => ({ key, value: { key, round } })) });
  }
  await until(async () => (await records(topic, 0)).length === 3, 15_000);
  const consumer = edgelog.consumer({ groupId: uniqueTopic("compact-sdk-group"), maxWaitMs: 500 });
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const seen: KafkaMessage[] = [];
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
  try {
    await until(async () => seen.length >= 3, 20_000, 100);
    await producer.send({ topic, messages: [{ key: "d", value: { key: "d", round: 0 } }] });
    await until(async () => seen.length >= 4, 20_000, 100);
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
  expect(seen.map((m) => [m.offset, m.key, m.value])).toEqual([
    [9, "a", { key: "a", round: 3 }],
    [10, "b", { key: "b", round: 3 }],
    [11, "c", { key: "c", round: 3 }],
    [12, "d", { key: "d", round: 0 }],
  ]);
});

// Producer to consumers through the SDK: three consumers share one group and a
// fourth reads the same topic in a second group; each group sees every record once,
// in partition order, with keys where Kafka's partitioner puts them.

import { expect, it } from "vitest";
import type { Consumer, KafkaMessage } from "../../src/client/index.js";
import { partitionForKey } from "../../src/protocol/partitioner.js";
import { until } from "./group-client.js";
import { uniqueTopic } from "./http.js";
import { client, producerOptions } from "./sdk.js";

const PARTITIONS = 6;
const MESSAGES = 600;

it("delivers every record once to each of two groups, one of three consumers", async () => {
  const edgelog = client();
  const topic = uniqueTopic("sdk-groups");
  await edgelog.admin().createTopic(topic, { partitions: PARTITIONS });
  const producer = edgelog.producer(await producerOptions());
  const sent = await producer.send({
    topic,
    messages: Array.from({ length: MESSAGES / 2 }, (_, i) => ({ key: `k${i % 50}`, value: { i } })),
  });
  for (const [i, meta] of sent.entries()) expect(meta.partition).toBe(partitionForKey(`k${i % 50}`, PARTITIONS));

  const seen = { a: [] as KafkaMessage[], b: [] as KafkaMessage[] };
  const groupA = uniqueTopic("sdk-a");
  const groupB = uniqueTopic("sdk-b");
  const consumers: Consumer[] = [];
  const failures: unknown[] = [];
  for (let n = 0; n < 3; n++) {
    const consumer = edgelog.consumer({ groupId: groupA, sessionTimeoutMs: 6_000, maxWaitMs: 500 });
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    consumer.on("consumer.crash", ({ error }) => failures.push(error));
    await consumer.run({ eachMessage: async ({ message }) => void seen.a.push(message) });
    consumers.push(consumer);
  }
  const iterating = edgelog.consumer({ groupId: groupB, sessionTimeoutMs: 6_000, maxWaitMs: 500 });
  await iterating.subscribe({ topics: [topic], fromBeginning: true });
  const reading = (async () => {
    for await (const message of iterating) {
      seen.b.push(message);
      if (seen.b.length < MESSAGES) continue;
      // Leaving the loop does not count the last message as processed: commit it by hand.
      await iterating.commitOffsets([{ topic, partition: message.partition, offset: message.offset + 1 }]);
      break;
    }
  })().catch((error) => failures.push(error));

  // The second half arrives while the groups consume and rebalance.
  await producer.send({
    topic,
    messages: Array.from({ length: MESSAGES / 2 }, (_, i) => ({ key: `k${i % 50}`, value: { i: MESSAGES / 2 + i } })),
  });
  await producer.disconnect();
  await until(async () => seen.a.length >= MESSAGES && seen.b.length >= MESSAGES, 40_000, 200).catch(async (e) => {
    const groups = await Promise.all([groupA, groupB].map((g) => edgelog.admin().describeGroup(g)));
    const crashes = failures.map(String);
    const state = { a: seen.a.length, b: seen.b.length, crashes, held: consumers.map((c) => c.assignment()), groups };
    throw new Error(`${e.message}: ${JSON.stringify(state)}`);
  });
  await reading;
  expect(failures).toEqual([]);

  for (const messages of [seen.a, seen.b]) {
    expect(messages).toHaveLength(MESSAGES);
    const values = messages.map((m) => (m.value as { i: number }).i).sort((x, y) => x - y);
    expect(values).toEqual(Array.from({ length: MESSAGES }, (_, i) => i));
    for (let p = 0; p < PARTITIONS; p++) {
      const offsets = messages.filter((m) => m.partition === p).map((m) => m.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
    for (const m of messages) expect(m.partition).toBe(partitionForKey(m.key as string, PARTITIONS));
  }
  // The group's three members come to share the partitions evenly.
  await until(async () => consumers.every((c) => c.assignment().length === 2), 20_000, 100);

  await iterating.disconnect();
  await Promise.all(consumers.map((c) => c.disconnect()));
  const admin = edgelog.admin();
  for (const group of [groupA, groupB]) {
    const described = await admin.describeGroup(group);
    expect(described.members).toEqual([]);
    expect(described.lag).toBe(0);
  }
});

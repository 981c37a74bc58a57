// A revoked partition is committed before it is released: with no periodic commits
// at all, a second member that joins takes over half the partitions exactly where
// the first stopped, so no record is seen twice and none is skipped.

import { expect, it } from "vitest";
import type { KafkaMessage } from "../../src/client/index.js";
import { until } from "./group-client.js";
import { uniqueTopic } from "./http.js";
import { client, producerOptions } from "./sdk.js";

const PARTITIONS = 4;
const PER_PARTITION = 40;

it("commits revoked partitions before releasing them, so the next owner resumes there", async () => {
  const edgelog = client();
  const topic = uniqueTopic("sdk-rebalance");
  const groupId = uniqueTopic("sdk-rebalance-group");
  await edgelog.admin().createTopic(topic, { partitions: PARTITIONS });
  const producer = edgelog.producer(await producerOptions());
  const produce = async (round: number) => {
    for (let p = 0; p < PARTITIONS; p++) {
      const messages = Array.from({ length: PER_PARTITION }, (_, n) => ({ value: { round, n }, partition: p }));
      await producer.send({ topic, messages });
    }
  };
  await produce(0);

  const seen: KafkaMessage[] = [];
  const member = async () => {
    // No periodic commits: only revocation and disconnect commit.
    const consumer = edgelog.consumer({ groupId, autoCommitIntervalMs: 3_600_000, maxWaitMs: 1_000 });
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
    return consumer;
  };
  const first = await member();
  await until(async () => seen.length === PARTITIONS * PER_PARTITION, 15_000);
  const second = await member();
  await until(async () => first.assignment().length === 2 && second.assignment().length === 2, 15_000);
  await produce(1);
  await until(async () => seen.length >= 2 * PARTITIONS * PER_PARTITION, 15_000);
  await new Promise((r) => setTimeout(r, 300));
  await Promise.all([first.disconnect(), second.disconnect()]);
  await producer.disconnect();

  const keys = seen.map((m) => `${m.partition}:${m.offset}`);
  expect(new Set(keys).size).toBe(keys.length);
  expect(keys).toHaveLength(2 * PARTITIONS * PER_PARTITION);
  const described = await edgelog.admin().describeGroup(groupId);
  expect(described.lag).toBe(0);
  expect(described.offsets.map((o) => o.offset)).toEqual(Array(PARTITIONS).fill(2 * PER_PARTITION));
});

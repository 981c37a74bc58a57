// The consumer's controls: pause and resume a partition, seek back in one, eachBatch
// with its own resolveOffset, and a handler error that stops the consumer having
// committed what came before it.

import { expect, it } from "vitest";
import type { KafkaMessage } from "../../src/client/index.js";
import { until } from "./group-client.js";
import { call, uniqueTopic } from "./http.js";
import { client, producerOptions } from "./sdk.js";

async function topicWith(partitions: number, perPartition: number): Promise<string> {
  const topic = uniqueTopic("sdk-controls");
  const edgelog = client();
  await edgelog.admin().createTopic(topic, { partitions });
  const producer = edgelog.producer(await producerOptions());
  for (let p = 0; p < partitions; p++) {
    await producer.send({
      topic,
      messages: Array.from({ length: perPartition }, (_, n) => ({ value: n, partition: p })),
    });
  }
  await producer.disconnect();
  return topic;
}

const offsetsOf = (messages: KafkaMessage[], partition: number) =>
  messages.filter((m) => m.partition === partition).map((m) => m.offset);

it("pauses and resumes a partition, and seeks back in another", async () => {
  const topic = await topicWith(2, 10);
  const consumer = client().consumer({ groupId: uniqueTopic("g"), maxWaitMs: 200 });
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  consumer.pause([{ topic, partitions: [1] }]);
  const seen: KafkaMessage[] = [];
  let sought = false;
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push(message);
      if (message.partition === 0 && message.offset === 7 && !sought) {
        sought = true;
        consumer.seek({ topic, partition: 0, offset: 3 });
      }
    },
  });
  await until(async () => offsetsOf(seen, 0).length === 15, 10_000);
  expect(offsetsOf(seen, 0)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 3, 4, 5, 6, 7, 8, 9]);
  await new Promise((r) => setTimeout(r, 300));
  expect(offsetsOf(seen, 1)).toEqual([]);
  expect(consumer.isPaused(topic, 1)).toBe(true);
  consumer.resume([{ topic }]);
  await until(async () => offsetsOf(seen, 1).length === 10, 10_000);
  expect(offsetsOf(seen, 1)).toEqual(Array.from({ length: 10 }, (_, i) => i));
  await consumer.disconnect();
});

it("stops on a handler error, having committed the messages before it", async () => {
  const topic = await topicWith(1, 10);
  const groupId = uniqueTopic("g");
  const consumer = client().consumer({ groupId, maxWaitMs: 200 });
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const crashed = new Promise<unknown>((resolve) => consumer.on("consumer.crash", ({ error }) => resolve(error)));
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset }) => {
      for (const message of batch.messages) {
        if (message.offset === 6) throw new Error("cannot handle 6");
        resolveOffset(message.offset);
      }
    },
  });
  expect(((await crashed) as Error).message).toBe("cannot handle 6");
  await until(async () => (await call("GET", `/v1/groups/${groupId}`)).body.members?.length === 0, 5_000);
  const { body } = await call("GET", `/v1/groups/${groupId}/offsets`);
  expect(body.offsets).toEqual([expect.objectContaining({ topic, partition: 0, offset: 6, lag: 4 })]);
});

// An idle consumer still commits what it processed once autoCommitIntervalMs passes, as
// kafkajs does on every fetch round: a group whose last records came before the
// interval ran out must not wait for the next record (or a disconnect) to commit them.

import { expect, it } from "vitest";
import { until } from "./group-client.js";
import { call, uniqueTopic } from "./http.js";
import { client, producerOptions } from "./sdk.js";

it("commits processed offsets on an idle fetch round once the interval has passed", async () => {
  const edgelog = client();
  const topic = uniqueTopic("idle-commit");
  const groupId = uniqueTopic("idle-commit-g");
  await edgelog.admin().createTopic(topic, { partitions: 1 });
  const producer = edgelog.producer(await producerOptions());
  await producer.send({ topic, messages: [{ value: 1 }, { value: 2 }] });
  await producer.disconnect();
  const consumer = edgelog.consumer({ groupId, maxWaitMs: 200, autoCommitIntervalMs: 4_000 });
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let consumed = 0;
  const startedMs = Date.now();
  await consumer.run({ eachMessage: async () => void consumed++ });
  try {
    await until(async () => consumed === 2, 10_000);
    // Consumed before the interval ran out, so the batch itself committed nothing.
    expect(Date.now() - startedMs).toBeLessThan(4_000);
    const committed = async () =>
      ((await call("GET", `/v1/groups/${groupId}/offsets`)).body.offsets ?? []) as { offset: number }[];
    // Nothing new arrives: only an idle round can commit them.
    await until(async () => (await committed())[0]?.offset === 2, 15_000);
    expect(consumed).toBe(2);
  } finally {
    await consumer.disconnect();
  }
});

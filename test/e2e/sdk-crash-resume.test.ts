// A consumer that dies mid-batch (its network goes, nothing more reaches the server:
// no commit, no leave) is expired by its session timeout; the next member of the
// group resumes each partition exactly at the last committed offset. At-least-once:
// what the dead consumer processed after its last commit comes again, nothing is skipped.

import { setTimeout as sleep } from "node:timers/promises";
import { expect, it } from "vitest";
import type { KafkaMessage } from "../../src/client/index.js";
import { until } from "./group-client.js";
import { call, uniqueTopic } from "./http.js";
import { client, producerOptions } from "./sdk.js";

const MESSAGES = 300;
// Batches are 25 records per partition (maxRecords), so the crash falls inside one.
const CRASH_AFTER = 130;

it("a consumer that crashes mid-batch is resumed from its last commit with no gap", async () => {
  const topic = uniqueTopic("sdk-crash");
  const groupId = uniqueTopic("sdk-crash-group");
  const admin = client().admin();
  await admin.createTopic(topic, { partitions: 2 });
  const producer = client().producer(await producerOptions());
  await producer.send({ topic, messages: Array.from({ length: MESSAGES }, (_, n) => ({ key: `k${n}`, value: n })) });
  await producer.disconnect();

  let dead = false;
  const mortal = client({
    retry: { retries: 2, initialRetryTimeMs: 10 },
    fetch: async (input, init) => {
      if (dead) throw new TypeError("fetch failed: the process is gone");
      return await fetch(input, init);
    },
  });
  const first = mortal.consumer({ groupId, sessionTimeoutMs: 2_000, maxRecords: 25, autoCommitIntervalMs: 50 });
  const processedFirst: KafkaMessage[] = [];
  const crashed = new Promise((resolve) => first.on("consumer.crash", resolve));
  await first.subscribe({ topics: [topic], fromBeginning: true });
  await first.run({
    eachMessage: async ({ message }) => {
      if (dead) throw new Error("dead");
      await sleep(2);
      processedFirst.push(message);
      if (processedFirst.length === CRASH_AFTER) dead = true;
    },
  });
  await crashed;
  expect(processedFirst).toHaveLength(CRASH_AFTER);
  const { body } = await call("GET", `/v1/groups/${groupId}/offsets`);
  const committed = new Map<number, number>(
    body.offsets.map((o: { partition: number; offset: number }) => [o.partition, o.offset]),
  );
  expect([...committed.values()].some((offset) => offset > 0)).toBe(true);

  const second = client().consumer({ groupId, sessionTimeoutMs: 6_000, maxWaitMs: 500 });
  const processedSecond: KafkaMessage[] = [];
  await second.subscribe({ topics: [topic], fromBeginning: true });
  await second.run({ eachMessage: async ({ message }) => void processedSecond.push(message) });
  const lastOffsets = (await admin.describeTopic(topic)).partitions.map((p) => p.highWatermark);
  const remaining = lastOffsets.reduce((n, hw, p) => n + hw - (committed.get(p) ?? 0), 0);
  await until(async () => processedSecond.length >= remaining, 20_000, 100);
  await second.disconnect();

  for (const [partition, highWatermark] of lastOffsets.entries()) {
    const before = processedFirst.filter((m) => m.partition === partition).map((m) => m.offset);
    const after = processedSecond.filter((m) => m.partition === partition).map((m) => m.offset);
    const resumeAt = committed.get(partition) ?? 0;
    // Never committed past what was processed; resumed exactly at the commit.
    expect(resumeAt).toBeLessThanOrEqual(before.length);
    expect(after[0]).toBe(resumeAt);
    expect(after).toEqual(Array.from({ length: highWatermark - resumeAt }, (_, i) => resumeAt + i));
    expect(before).toEqual(before.map((_, i) => i));
  }
  expect(processedSecond).toHaveLength(remaining);
});

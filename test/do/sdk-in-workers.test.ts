// The SDK inside the Workers runtime: the same src/client that the Node tests use,
// driving the worker under test through its default export's fetch (no network, no
// Node built-ins): admin, a batching producer with text and binary records, and a
// group consumer that reads them back and leaves.

import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { Edgelog, type KafkaMessage } from "../../src/client/index.js";
import { partitionForKey } from "../../src/protocol/partitioner.js";

const worker = (input: string, init: RequestInit) => exports.default.fetch(input, init);
const edgelog = new Edgelog({ url: "http://edgelog.test", fetch: worker });

/** Whether this worker has the idempotent producer yet (POST /v1/producers). */
async function idempotence(): Promise<boolean> {
  const reply = await worker("http://edgelog.test/v1/producers", { method: "POST", body: "{}" });
  await reply.arrayBuffer();
  return reply.status === 201;
}

it("produces and consumes through the SDK in workerd", async () => {
  const admin = edgelog.admin();
  const topic = `sdk-workers-${crypto.randomUUID().slice(0, 8)}`;
  await admin.createTopic(topic, { partitions: 3 });
  expect((await admin.listTopics()).map((t) => t.name)).toContain(topic);

  const producer = edgelog.producer({ idempotent: await idempotence(), lingerMs: 1 });
  const bytes = new Uint8Array([0, 1, 2, 254, 255]);
  const sent = await producer.send({
    topic,
    messages: [
      ...Array.from({ length: 20 }, (_, n) => ({ key: `user-${n % 4}`, value: { n }, headers: { source: "test" } })),
      { key: bytes, value: bytes },
    ],
  });
  await producer.disconnect();
  for (const meta of sent.slice(0, 20)) {
    expect(meta.partition).toBe(partitionForKey(`user-${sent.indexOf(meta) % 4}`, 3));
  }

  const consumer = edgelog.consumer({ groupId: `g-${topic}`, maxWaitMs: 200 });
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const received: KafkaMessage[] = [];
  for await (const message of consumer) {
    received.push(message);
    if (received.length === sent.length) break;
  }
  await consumer.commitOffsets();
  await consumer.disconnect();

  const values = received.filter((m) => !(m.value instanceof Uint8Array)).map((m) => (m.value as { n: number }).n);
  expect(values.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, n) => n));
  const binary = received.find((m) => m.value instanceof Uint8Array);
  expect(binary?.value).toEqual(bytes);
  expect(binary?.key).toEqual(bytes);
  expect(received.find((m) => m.key === "user-1")?.headers).toEqual({ source: "test" });
  const group = await admin.describeGroup(`g-${topic}`);
  expect(group.members).toEqual([]);
  // Leaving the loop with break does not count the last message as processed.
  expect(group.offsets.reduce((n, o) => n + o.offset, 0)).toBe(sent.length - 1);
});

it("sends binary messages as binary batches with binaryBatches, idempotently, and reads them back", async () => {
  const admin = edgelog.admin();
  const topic = `sdk-batches-${crypto.randomUUID().slice(0, 8)}`;
  await admin.createTopic(topic, { partitions: 2 });
  const types: string[] = [];
  const recording = new Edgelog({
    url: "http://edgelog.test",
    fetch: (input, init) => {
      types.push(new Headers(init.headers).get("content-type") ?? "");
      return worker(input, init);
    },
  });
  const producer = recording.producer({ idempotent: await idempotence(), binaryBatches: true, lingerMs: 1 });
  const bytes = (n: number) => new Uint8Array([n, 0, 255, n]);
  const sent = await producer.send({
    topic,
    messages: [
      ...Array.from({ length: 10 }, (_, n) => ({ key: `k${n}`, value: bytes(n), headers: { n: String(n) } })),
      { key: "json", value: { still: "json" } },
      { key: bytes(9), value: null, timestamp: 1_000 },
    ],
  });
  await producer.disconnect();
  expect(types).toContain("application/vnd.edgelog.batch");
  // The JSON message travels as JSON still.
  expect(types).toContain("application/json");

  const consumer = edgelog.consumer({ groupId: `g-${topic}`, maxWaitMs: 200 });
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const received: KafkaMessage[] = [];
  for await (const message of consumer) {
    received.push(message);
    if (received.length === sent.length) break;
  }
  await consumer.disconnect();
  const byKey = (key: string) =>
    received.find((m) => m.key instanceof Uint8Array && new TextDecoder().decode(m.key) === key);
  for (let n = 0; n < 10; n++) {
    expect(byKey(`k${n}`)?.value, `k${n}`).toEqual(bytes(n));
    expect(byKey(`k${n}`)?.headers).toEqual({ n: String(n) });
  }
  expect(received.find((m) => m.key === "json")?.value).toEqual({ still: "json" });
  const tombstone = received.find((m) => m.value === null);
  expect(tombstone).toMatchObject({ key: bytes(9), timestamp: 1_000 });
});

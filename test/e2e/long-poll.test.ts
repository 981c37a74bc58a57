// Long-poll fetches: a parked fetch answers as soon as a record is committed, an idle
// one after its maxWaitMs, and a multi-partition fetch as soon as any partition has
// data. The timing bounds are generous; they only tell waiting from not waiting.

import { setTimeout as sleep } from "node:timers/promises";
import { expect, it } from "vitest";
import { call, createTopic, fetchRecords, produce, type Reply, uniqueTopic } from "./http.js";

/** Time to let a fetch park on the replica before producing. */
const PARK_MS = 300;

async function timed(request: Promise<Reply>): Promise<{ reply: Reply; elapsedMs: number }> {
  const started = performance.now();
  const reply = await request;
  return { reply, elapsedMs: performance.now() - started };
}

it("answers a fetch parked at the highWatermark as soon as a record is produced", async () => {
  const topic = uniqueTopic("longpoll");
  await createTopic(topic, 1);
  expect((await produce(topic, [{ value: "a" }, { value: "b" }])).status).toBe(200);

  const parked = timed(fetchRecords(topic, 0, "offset=2&maxWaitMs=5000"));
  await sleep(PARK_MS);
  const produced = await produce(topic, [{ key: "wake", value: "c" }]);
  expect(produced.body.results).toEqual([{ partition: 0, offset: 2 }]);
  const { reply, elapsedMs } = await parked;

  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  expect(reply.body.records).toHaveLength(1);
  expect(reply.body.records[0]).toMatchObject({ offset: 2, key: "wake", value: "c" });
  expect(reply.body).toMatchObject({ nextOffset: 3, highWatermark: 3 });
  expect(elapsedMs).toBeLessThan(4_000);
});

it("answers a fetch on an idle partition empty after maxWaitMs", async () => {
  const topic = uniqueTopic("idle");
  await createTopic(topic, 1);
  expect((await produce(topic, [{ value: "only" }])).status).toBe(200);

  const { reply, elapsedMs } = await timed(fetchRecords(topic, 0, "offset=1&maxWaitMs=500"));
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  expect(reply.body).toEqual({ records: [], nextOffset: 1, highWatermark: 1, logStartOffset: 0 });
  expect(elapsedMs).toBeGreaterThanOrEqual(450);
  expect(elapsedMs).toBeLessThan(4_000);
});

it("answers POST /v1/fetch over 3 partitions as soon as one of them gets a record", async () => {
  const topic = uniqueTopic("multipoll");
  await createTopic(topic, 3);
  const partitions = [0, 1, 2].map((partition) => ({ topic, partition, offset: 0 }));

  const parked = timed(call("POST", "/v1/fetch", { partitions, maxWaitMs: 5_000 }));
  await sleep(PARK_MS);
  const produced = await produce(topic, [{ key: "k", value: { to: 1 }, partition: 1 }]);
  expect(produced.body.results).toEqual([{ partition: 1, offset: 0 }]);
  const { reply, elapsedMs } = await parked;

  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  expect(reply.body.partitions).toHaveLength(3);
  const [p0, p1, p2] = reply.body.partitions;
  expect(p1).toMatchObject({ topic, partition: 1, nextOffset: 1, highWatermark: 1 });
  expect(p1.records).toHaveLength(1);
  expect(p1.records[0]).toMatchObject({ offset: 0, key: "k", value: { to: 1 } });
  for (const [partition, answer] of [
    [0, p0],
    [2, p2],
  ] as const) {
    expect(answer).toMatchObject({ topic, partition, records: [], nextOffset: 0, highWatermark: 0 });
  }
  expect(elapsedMs).toBeLessThan(4_000);
});

it("answers POST /v1/fetch at once when a partition already has data", async () => {
  const topic = uniqueTopic("multiready");
  await createTopic(topic, 3);
  expect((await produce(topic, [{ value: "ready", partition: 2 }])).status).toBe(200);
  const partitions = [0, 1, 2].map((partition) => ({ topic, partition, offset: 0 }));

  const { reply, elapsedMs } = await timed(call("POST", "/v1/fetch", { partitions, maxWaitMs: 5_000 }));
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  const [p0, p1, p2] = reply.body.partitions;
  expect(p2).toMatchObject({ topic, partition: 2, nextOffset: 1, highWatermark: 1 });
  expect(p2.records.map((r: { offset: number; value: unknown }) => [r.offset, r.value])).toEqual([[0, "ready"]]);
  expect(p0).toMatchObject({ partition: 0, records: [] });
  expect(p1).toMatchObject({ partition: 1, records: [] });
  expect(elapsedMs).toBeLessThan(2_500);
});

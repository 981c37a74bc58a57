// Durability across a restart: a second `wrangler dev` on the same persist directory
// sees the same topic, records, offsets and highWatermark, and offsets continue densely.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { type Cluster, startWranglerDev } from "../../scripts/wrangler-dev.mjs";
import { call, createTopic, fetchRecords, produce, uniqueTopic } from "./http.js";

const PARTITIONS = 2;

async function start(persistTo: string): Promise<Cluster> {
  return await startWranglerDev({ persistTo, vars: { EDGELOG_AUTH: "off" } });
}

async function allRecords(topic: string, url: string) {
  const byPartition = [];
  for (let partition = 0; partition < PARTITIONS; partition++) {
    const reply = await fetchRecords(topic, partition, "offset=0&maxRecords=1000", url);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    byPartition.push(reply.body);
  }
  return byPartition;
}

it("keeps topics, records and offsets across a wrangler dev restart", { timeout: 90_000 }, async () => {
  const persistTo = await mkdtemp(join(tmpdir(), "edgelog-restart-"));
  let cluster: Cluster | null = null;
  try {
    cluster = await start(persistTo);
    const topic = uniqueTopic("restart");
    const created = await createTopic(topic, PARTITIONS, { retentionMs: -1 }, cluster.url);
    const first = await produce(
      topic,
      Array.from({ length: 7 }, (_, i) => ({ key: `k${i}`, value: { i }, partition: i % PARTITIONS })),
      "",
      cluster.url,
    );
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const second = await produce(
      topic,
      [{ key: "h", value: "with headers", headers: { a: "b" }, partition: 1, timestamp: 1_700_000_000_000 }],
      "",
      cluster.url,
    );
    expect(second.body.results).toEqual([{ partition: 1, offset: 3 }]);
    const before = await allRecords(topic, cluster.url);
    const describedBefore = await call("GET", `/v1/topics/${topic}`, undefined, {}, cluster.url);
    expect(describedBefore.body.partitions.map((p: { highWatermark: number }) => p.highWatermark)).toEqual([4, 4]);

    await cluster.stop();
    cluster = null;
    cluster = await start(persistTo);

    const described = await call("GET", `/v1/topics/${topic}`, undefined, {}, cluster.url);
    expect(described.status, JSON.stringify(described.body)).toBe(200);
    expect(described.body).toEqual(describedBefore.body);
    expect(described.body.topicId).toBe(created.topicId);
    const list = await call("GET", "/v1/topics", undefined, {}, cluster.url);
    expect(list.body.topics).toContainEqual(expect.objectContaining({ name: topic, topicId: created.topicId }));

    const after = await allRecords(topic, cluster.url);
    expect(after).toEqual(before);
    expect(after.map((p) => p.highWatermark)).toEqual([4, 4]);
    expect(after[1]!.records[3]).toMatchObject({
      offset: 3,
      key: "h",
      value: "with headers",
      headers: { a: "b" },
      timestamp: 1_700_000_000_000,
    });
    const latest = await call("GET", `/v1/topics/${topic}/partitions/0/offsets?at=latest`, undefined, {}, cluster.url);
    expect(latest.body.offset).toBe(4);

    const more = await produce(
      topic,
      [
        { value: "more-0", partition: 0 },
        { value: "more-1", partition: 1 },
        { value: "more-0b", partition: 0 },
      ],
      "",
      cluster.url,
    );
    expect(more.status, JSON.stringify(more.body)).toBe(200);
    expect(more.body.results).toEqual([
      { partition: 0, offset: 4 },
      { partition: 1, offset: 4 },
      { partition: 0, offset: 5 },
    ]);
    const final = await allRecords(topic, cluster.url);
    expect(final[0]!.records.map((r: { offset: number }) => r.offset)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(final[1]!.records.map((r: { offset: number }) => r.offset)).toEqual([0, 1, 2, 3, 4]);
    expect(final[0]!.records.slice(0, 4)).toEqual(before[0]!.records);
    expect(final.map((p) => p.highWatermark)).toEqual([6, 5]);
  } finally {
    await cluster?.stop();
    await rm(persistTo, { recursive: true, force: true });
  }
});

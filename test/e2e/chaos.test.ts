// The chaos test: a seeded random schedule of faults (crash, partition, slow, heal) on
// leaders and followers of a 4-partition, RF=3, minInsyncReplicas=2 topic while keyed
// acks=all producers record what was acknowledged. After healing, every acknowledged
// record is at its acknowledged offset, offsets are dense, per-key order holds and all
// replicas hold identical logs. CHAOS_SEED replays a run; CHAOS_FAULTS makes it longer
// (`npm run chaos`).

import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Cluster } from "../../scripts/wrangler-dev.mjs";
import { seededRandom } from "../random.js";
import { chaosTopic, startChaosCluster } from "./chaos-helpers.js";
import { call, createTopic, fetchAll } from "./http.js";

const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const FAULTS = Number(process.env.CHAOS_FAULTS ?? 200);
const PARTITIONS = 4;
const REPLICAS = 3;
const PRODUCERS = 4;
const KEYS_PER_PRODUCER = 5;
const TOPIC = "chaos";

interface Acked {
  partition: number;
  offset: number;
  key: string;
  seq: number;
}

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startChaosCluster("chaos");
});

afterAll(async () => {
  if (process.env.CHAOS_LOG) await writeFile(process.env.CHAOS_LOG, cluster?.output() ?? "");
  await cluster?.stop();
});

/** One producer: its own keys, one request at a time, so per-key order is defined. */
async function producer(index: number, next: () => number, until: () => boolean, acked: Acked[]): Promise<number> {
  const seqs = new Map<string, number>();
  let sent = 0;
  for (let round = 0; round < 100_000 && !until(); round++) {
    const count = 1 + Math.floor(next() * 4);
    const records = Array.from({ length: count }, () => {
      const key = `p${index}-k${Math.floor(next() * KEYS_PER_PRODUCER)}`;
      const seq = seqs.get(key) ?? 0;
      seqs.set(key, seq + 1);
      return { key, value: { key, seq } };
    });
    sent += count;
    const reply = await call("POST", `/v1/topics/${TOPIC}/records?acks=all`, { records }, {}, cluster.url);
    if (reply.status !== 200 && reply.status !== 207) continue;
    reply.body.results.forEach((r: { partition: number; offset?: number }, i: number) => {
      if (r.offset === undefined) return;
      const { key, seq } = records[i]!.value;
      acked.push({ partition: r.partition, offset: r.offset, key, seq });
    });
  }
  return sent;
}

it(`loses no acknowledged write under ${FAULTS} random faults (seed ${SEED})`, { timeout: 300_000 }, async () => {
  console.log(`chaos seed ${SEED} (replay with CHAOS_SEED=${SEED}), ${FAULTS} faults`);
  const { next } = seededRandom(SEED);
  await createTopic(
    TOPIC,
    PARTITIONS,
    { replicationFactor: REPLICAS, minInsyncReplicas: 2, replicaLagTimeMs: 1_000 },
    cluster.url,
  );
  const acked: Acked[] = [];
  let done = false;
  const producers = Array.from({ length: PRODUCERS }, (_, i) =>
    producer(i, seededRandom(SEED + i + 1).next, () => done, acked),
  );

  const chaos = chaosTopic(cluster.url, TOPIC, REPLICAS);
  const applied = await chaos.runFaults(next, FAULTS);
  done = true;
  const sent = (await Promise.all(producers)).reduce((a, b) => a + b, 0);
  const settled = await chaos.settle();
  console.log(
    `chaos: ${JSON.stringify(Object.fromEntries(applied))}, ${sent} records sent, ${acked.length} acknowledged, ` +
      `highWatermarks ${settled.map((p) => p.highWatermark).join("/")}`,
  );
  expect(acked.length).toBeGreaterThan(0);

  for (const { partition, highWatermark } of settled) {
    const records = await fetchAll<{ offset: number; key: string; value: { key: string; seq: number } | null }>(
      TOPIC,
      partition,
      "",
      cluster.url,
    );
    expect(
      records.map((r) => r.offset),
      `seed ${SEED}: dense offsets in partition ${partition}`,
    ).toEqual(Array.from({ length: highWatermark }, (_, i) => i));
    for (const a of acked.filter((x) => x.partition === partition)) {
      expect(
        records[a.offset]?.value,
        `seed ${SEED}: acknowledged ${a.key}#${a.seq} at ${partition}/${a.offset}`,
      ).toEqual({
        key: a.key,
        seq: a.seq,
      });
    }
    const logs = await Promise.all([0, 1, 2].map((r) => chaos.replicaLog(partition, r)));
    for (const log of logs.slice(1)) {
      expect(log.records.slice(0, highWatermark), `seed ${SEED}: replicas of partition ${partition} agree`).toEqual(
        logs[0]!.records.slice(0, highWatermark),
      );
    }
  }
  const byKey = new Map<string, Acked[]>();
  for (const a of acked) byKey.set(a.key, [...(byKey.get(a.key) ?? []), a]);
  for (const [key, list] of byKey) {
    const inSeqOrder = [...list].sort((x, y) => x.seq - y.seq);
    const offsets = inSeqOrder.map((a) => a.offset);
    expect(new Set(inSeqOrder.map((a) => a.partition)).size, `seed ${SEED}: ${key} on one partition`).toBe(1);
    expect(offsets, `seed ${SEED}: per-key order of ${key}`).toEqual([...offsets].sort((x, y) => x - y));
  }
});

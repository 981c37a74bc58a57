// The chaos test with retention running: a topic small enough by retentionBytes that
// its leaders delete batches all the time, while random faults crash, partition, slow
// and heal its replicas, acks=all producers write, and a reader checks every answer as
// it comes: the logStartOffset it is served never goes backwards, a fetch at `earliest`
// never returns a record below a start already served, and a fetch below that start is
// 416 OFFSET_OUT_OF_RANGE (or retriable). After healing, every replica starts where its
// leader does, holds the same records, and every acknowledged record not yet deleted is
// at its offset. CHAOS_SEED replays a run; CHAOS_FAULTS makes it longer.

import { afterAll, beforeAll, expect, it } from "vitest";
import type { Cluster } from "../../scripts/wrangler-dev.mjs";
import { seededRandom } from "../random.js";
import { chaosTopic, startChaosCluster } from "./chaos-helpers.js";
import { call, createTopic, fetchRecords, type Reply } from "./http.js";

const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const FAULTS = Number(process.env.CHAOS_FAULTS ?? 100);
const TOPIC = "retained-chaos";
const PARTITIONS = 2;
const REPLICAS = 3;
const PRODUCERS = 2;
/** About 15 records of 400 bytes: retention deletes with nearly every produce. */
const RETENTION_BYTES = 6_000;
const VALUE_BYTES = 400;
const RETRIABLE = new Set([503, 504]);
const MAX_ROUNDS = 100_000;
/** Acknowledged records each partition gets before the run ends, faults or not: four
 * times what retention keeps, so retention must have deleted on every partition. */
const MIN_ACKED_PER_PARTITION = 60;
/** How long producing may go on after the faults end, to reach that. */
const AFTER_FAULTS_MS = 60_000;

interface Acked {
  partition: number;
  offset: number;
  id: string;
}

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startChaosCluster("retention-chaos");
});

afterAll(async () => {
  await cluster?.stop();
});

async function producer(index: number, next: () => number, until: () => boolean, acked: Acked[]): Promise<void> {
  for (let round = 0; round < MAX_ROUNDS && !until(); round++) {
    const records = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, i) => ({
      partition: Math.floor(next() * PARTITIONS),
      value: { id: `p${index}-${round}-${i}`, pad: "x".repeat(VALUE_BYTES) },
    }));
    const reply = await call("POST", `/v1/topics/${TOPIC}/records?acks=all`, { records }, {}, cluster.url);
    if (reply.status !== 200 && reply.status !== 207) continue;
    reply.body.results.forEach((r: { partition: number; offset?: number }, i: number) => {
      if (r.offset !== undefined) acked.push({ partition: r.partition, offset: r.offset, id: records[i]!.value.id });
    });
  }
}

/** The reader: the highest logStartOffset served per partition, checked against
 * every later answer. */
class StartReader {
  readonly served = Array.from({ length: PARTITIONS }, () => 0);
  readonly counts = new Map<string, number>();

  async run(until: () => boolean): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS && !until(); round++) {
      for (let p = 0; p < PARTITIONS; p++) await this.check(p);
    }
  }

  private async check(p: number): Promise<void> {
    const before = this.served[p]!;
    const listed = await call(
      "GET",
      `/v1/topics/${TOPIC}/partitions/${p}/offsets?at=earliest`,
      undefined,
      {},
      cluster.url,
    );
    this.count("listOffsets", listed);
    if (listed.status === 200) {
      expect(listed.body.offset, `seed ${SEED}: ListOffsets earliest of ${p} went back`).toBeGreaterThanOrEqual(before);
      this.serve(p, listed.body.offset);
    } else expect(RETRIABLE.has(listed.status), JSON.stringify(listed.body)).toBe(true);
    const read = await fetchRecords(TOPIC, p, "offset=earliest&maxRecords=20", cluster.url);
    this.count("fetch earliest", read);
    if (read.status === 200) {
      expect(read.body.logStartOffset, `seed ${SEED}: fetched logStartOffset of ${p}`).toBeGreaterThanOrEqual(before);
      for (const r of read.body.records)
        expect(r.offset, `seed ${SEED}: record below start`).toBeGreaterThanOrEqual(before);
      this.serve(p, read.body.logStartOffset);
    } else expect(RETRIABLE.has(read.status), JSON.stringify(read.body)).toBe(true);
    if (before === 0) return;
    const below = await fetchRecords(TOPIC, p, `offset=${before - 1}`, cluster.url);
    this.count("fetch below start", below);
    if (below.status === 416) expect(below.body.error.logStartOffset).toBeGreaterThanOrEqual(before);
    else expect(RETRIABLE.has(below.status), `seed ${SEED}: offset ${before - 1} of ${p} served again`).toBe(true);
  }

  private serve(p: number, start: number): void {
    this.served[p] = Math.max(this.served[p]!, start);
  }

  private count(what: string, reply: Reply): void {
    const key = `${what} ${reply.status}${reply.status === 200 ? "" : ` ${reply.body?.error?.code}`}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}

/** Every record of partition `p` from `start` to the highWatermark. */
async function readFrom(p: number, start: number): Promise<{ offset: number; value: { id: string } }[]> {
  const records = [];
  let offset = start;
  for (let page = 0; page < 1_000; page++) {
    const reply = await fetchRecords(TOPIC, p, `offset=${offset}&maxRecords=1000`, cluster.url);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    records.push(...reply.body.records);
    if (reply.body.records.length === 0 || reply.body.nextOffset >= reply.body.highWatermark) break;
    offset = reply.body.nextOffset;
  }
  return records;
}

it(`retention under ${FAULTS} random faults never serves a deleted record again (seed ${SEED})`, {
  timeout: 300_000,
}, async () => {
  console.log(`retention chaos seed ${SEED} (replay with CHAOS_SEED=${SEED}), ${FAULTS} faults`);
  await createTopic(
    TOPIC,
    PARTITIONS,
    { replicationFactor: REPLICAS, minInsyncReplicas: 2, replicaLagTimeMs: 1_000, retentionBytes: RETENTION_BYTES },
    cluster.url,
  );
  const chaos = chaosTopic(cluster.url, TOPIC, REPLICAS);
  const acked: Acked[] = [];
  let failed = false;
  let faultsEndedAtMs: number | null = null;
  const enoughAcked = () =>
    Array.from({ length: PARTITIONS }, (_, p) => acked.filter((a) => a.partition === p).length).every(
      (n) => n >= MIN_ACKED_PER_PARTITION,
    );
  // A failed check ends every task; otherwise producing and reading go on past the
  // faults (healed by then) until every partition has had enough to retain, bounded.
  const done = () =>
    failed || (faultsEndedAtMs !== null && (enoughAcked() || Date.now() - faultsEndedAtMs > AFTER_FAULTS_MS));
  const failing = <T>(task: Promise<T>) =>
    task.catch((error) => {
      failed = true;
      throw error;
    });
  const reader = new StartReader();
  const [faults, ...others] = await Promise.allSettled([
    failing(chaos.runFaults(seededRandom(SEED).next, FAULTS, () => failed)).finally(
      () => (faultsEndedAtMs = Date.now()),
    ),
    ...Array.from({ length: PRODUCERS }, (_, i) => failing(producer(i, seededRandom(SEED + i + 1).next, done, acked))),
    failing(reader.run(done)),
  ]);
  for (const outcome of [faults, ...others]) if (outcome?.status === "rejected") throw outcome.reason;
  const applied = faults?.status === "fulfilled" ? faults.value : new Map();
  const settled = await chaos.settle(true);
  console.log(
    `retention chaos: ${JSON.stringify(Object.fromEntries(applied))}, ${acked.length} acknowledged, ` +
      `logStartOffsets ${settled.map((p) => p.logStartOffset).join("/")} of highWatermarks ` +
      `${settled.map((p) => p.highWatermark).join("/")}, reads ${JSON.stringify(Object.fromEntries(reader.counts))}`,
  );
  expect(acked.length).toBeGreaterThan(0);

  for (const { partition, logStartOffset, highWatermark } of settled) {
    expect(logStartOffset, `seed ${SEED}: partition ${partition} was retained`).toBeGreaterThan(0);
    expect(logStartOffset).toBeGreaterThanOrEqual(reader.served[partition]!);
    const records = await readFrom(partition, logStartOffset);
    expect(records.map((r) => r.offset)).toEqual(
      Array.from({ length: highWatermark - logStartOffset }, (_, i) => logStartOffset + i),
    );
    for (const a of acked.filter((x) => x.partition === partition && x.offset >= logStartOffset)) {
      expect(records[a.offset - logStartOffset]?.value.id, `seed ${SEED}: acknowledged ${a.id}`).toBe(a.id);
    }
    const logs = await Promise.all([0, 1, 2].map((r) => chaos.replicaLog(partition, r)));
    for (const log of logs) {
      expect(log.offsets.logStartOffset, `seed ${SEED}: replica start of ${partition}`).toBe(logStartOffset);
      expect(log.records.map((r) => r.offset)).toEqual(records.map((r) => r.offset));
    }
    for (const log of logs.slice(1)) expect(log.records).toEqual(logs[0]!.records);
  }
});

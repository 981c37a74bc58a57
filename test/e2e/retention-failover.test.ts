// Retention across failover, through the router on a wrangler dev with fault injection:
// once the leader has deleted records and served the new logStartOffset, crashing it
// (twice) never brings them back. Every answer is checked as it comes: fetch at
// `earliest` and ListOffsets earliest never go below the old start (nor ListOffsets
// backwards), a fetch below it is 416 OFFSET_OUT_OF_RANGE, and in the end no replica
// stores a record below it.

import { afterAll, beforeAll, expect, it } from "vitest";
import type { Cluster } from "../../scripts/wrangler-dev.mjs";
import { call, createTopic, fetchRecords, produce, uniqueTopic } from "./http.js";
import { startOwnCluster } from "./own-cluster.js";

/** Records that are an hour old when produced: past retentionMs at once. */
const OLD_RECORDS = 20;
const SERVE_TIMEOUT_MS = 30_000;
/** Rounds of checks after the new leader first serves the old start. */
const ROUNDS_AFTER_SERVED = 5;
/** Answers that mean "not now, retry" while a leader is being replaced. */
const RETRIABLE = new Set([503, 504]);

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startOwnCluster("retention-failover", {
    EDGELOG_AUTH: "off",
    EDGELOG_FAULTS: "1",
    EDGELOG_LIMITS: JSON.stringify({ ackTimeoutMs: 2_000, peerTimeoutMs: 600, livenessIntervalMs: 500 }),
  });
});

afterAll(async () => {
  await cluster?.stop();
});

const fault = async (topic: string, replica: number, kind: string) => {
  const reply = await call("POST", "/v1/_faults", { topic, partition: 0, replica, fault: kind }, {}, cluster.url);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
};

async function partitionState(topic: string): Promise<{ leader: number; isr: number[] }> {
  const reply = await call("GET", `/v1/topics/${topic}`, undefined, {}, cluster.url);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.partitions[0];
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + SERVE_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${SERVE_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every read answer, checked against the start the first leader served. */
class ReadWatch {
  private highestEarliest = -1;
  readonly counts = new Map<string, number>();

  constructor(
    private readonly topic: string,
    private readonly start: number,
  ) {}

  /** ListOffsets earliest: never below the start, never below an earlier answer. */
  async earliest(): Promise<number | null> {
    const reply = await call(
      "GET",
      `/v1/topics/${this.topic}/partitions/0/offsets?at=earliest`,
      undefined,
      {},
      cluster.url,
    );
    this.count("listOffsets", reply.status);
    if (RETRIABLE.has(reply.status)) return null;
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.offset, "ListOffsets earliest never decreases").toBeGreaterThanOrEqual(this.highestEarliest);
    expect(reply.body.offset).toBeGreaterThanOrEqual(this.start);
    this.highestEarliest = reply.body.offset;
    return reply.body.offset;
  }

  /** One round of reads; true once all three were answered (not retriable). */
  async round(): Promise<boolean> {
    const earliest = await this.earliest();
    const fromEarliest = await fetchRecords(this.topic, 0, "offset=earliest&maxRecords=100", cluster.url);
    this.count("fetch earliest", fromEarliest.status);
    if (fromEarliest.status === 200) {
      expect(fromEarliest.body.logStartOffset).toBeGreaterThanOrEqual(this.start);
      for (const record of fromEarliest.body.records) expect(record.offset).toBeGreaterThanOrEqual(this.start);
    } else expect(RETRIABLE.has(fromEarliest.status), JSON.stringify(fromEarliest.body)).toBe(true);
    let below = 0;
    for (const offset of [0, this.start - 1]) {
      const reply = await fetchRecords(this.topic, 0, `offset=${offset}`, cluster.url);
      this.count(`fetch ${offset}`, reply.status);
      if (reply.status === 416) {
        expect(reply.body.error.code).toBe("OFFSET_OUT_OF_RANGE");
        expect(reply.body.error.logStartOffset).toBeGreaterThanOrEqual(this.start);
        below++;
      } else expect(RETRIABLE.has(reply.status), `offset ${offset}: ${JSON.stringify(reply.body)}`).toBe(true);
    }
    return earliest !== null && fromEarliest.status === 200 && below === 2;
  }

  /** Reads until the partition serves again, then a few rounds more. */
  async throughFailover(): Promise<void> {
    await until("the new leader serves", () => this.round());
    for (let i = 0; i < ROUNDS_AFTER_SERVED; i++) expect(await this.round()).toBe(true);
  }

  private count(what: string, status: number): void {
    const key = `${what} ${status}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}

/** A replica's stored log: it must hold nothing below the start. */
async function expectNothingBelow(topic: string, replica: number, start: number): Promise<void> {
  await until(`replica ${replica} deletes below ${start}`, async () => {
    const reply = await call(
      "GET",
      `/v1/_faults/log?topic=${topic}&partition=0&replica=${replica}`,
      undefined,
      {},
      cluster.url,
    );
    expect(reply.status).toBe(200);
    const offsets: number[] = reply.body.records.map((r: { offset: number }) => r.offset);
    return reply.body.offsets.logStartOffset >= start && offsets.every((o) => o >= start);
  });
}

it("after the leader deleted records and crashed, twice, no replica serves them again", {
  timeout: 180_000,
}, async () => {
  const topic = uniqueTopic("retained");
  await createTopic(topic, 1, { replicationFactor: 3, minInsyncReplicas: 2, retentionMs: 60_000 }, cluster.url);
  const old = Date.now() - 3_600_000;
  for (let i = 0; i < OLD_RECORDS; i++) {
    const reply = await produce(topic, [{ value: i, timestamp: old }], "", cluster.url);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  }
  const fresh = await produce(topic, [{ value: "fresh" }], "", cluster.url);
  expect(fresh.body.results).toEqual([{ partition: 0, offset: OLD_RECORDS }]);
  const watch = new ReadWatch(topic, OLD_RECORDS);
  await until("the leader serves the new start", async () => (await watch.earliest()) === OLD_RECORDS);

  // At once: the followers may not even have learnt yet that the leader deleted.
  await fault(topic, 0, "crash");
  await watch.throughFailover();
  const first = await partitionState(topic);
  expect(first.leader).not.toBe(0);
  for (const r of [0, 1, 2]) await expectNothingBelow(topic, r, OLD_RECORDS);

  await fault(topic, 0, "heal");
  await until("the ISR is whole again", async () => (await partitionState(topic)).isr.length === 3);
  await fault(topic, first.leader, "crash");
  await watch.throughFailover();
  const second = await partitionState(topic);
  await fault(topic, first.leader, "heal");
  for (const r of [0, 1, 2]) await expectNothingBelow(topic, r, OLD_RECORDS);
  const read = await fetchRecords(topic, 0, "offset=earliest", cluster.url);
  expect(read.body.records.map((r: { value: unknown }) => r.value)).toEqual(["fresh"]);
  console.log(
    `retention failover: leaders 0 -> ${first.leader} -> ${second.leader}; answers ${JSON.stringify(Object.fromEntries(watch.counts))}`,
  );
});

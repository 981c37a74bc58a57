// Replication paths, each driven deterministically through the real controller and
// replica objects: acks=all, ISR shrink and expand, minInsyncReplicas, election,
// truncation of a diverged follower, fencing of a stale leader, and retention applied
// alike on every replica.

import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { assignment, eventually, jsonRecord, produceRequest, sizedRecord } from "./replica-helpers.js";

const NO_PASSES = { passes: [], committedSeq: 0, lastSeq: 0 };

import { replicatedTopic } from "./replicated-topic.js";

describe("replication", () => {
  it("acks=all answers once every ISR member has the batch; all logs are identical", async () => {
    const t = await replicatedTopic();
    expect(await t.produce(0, ["a", "b"])).toMatchObject({ ok: true, baseOffset: 0, lastOffset: 1 });
    expect(await t.produce(0, ["c"])).toMatchObject({ ok: true, baseOffset: 2 });
    for (const r of [0, 1, 2]) expect((await t.log(r)).values).toEqual(["a", "b", "c"]);
    expect(await t.replica(0).describe()).toMatchObject({
      ok: true,
      role: "leader",
      highWatermark: 3,
      logEndOffset: 3,
    });
    expect(await t.replica(1).describe()).toMatchObject({ ok: true, role: "follower", logEndOffset: 3 });
    expect(
      await t
        .replica(1)
        .produce(produceRequest({ acks: "all", producer: null, format: "json", records: [jsonRecord("x")] })),
    ).toMatchObject({
      ok: false,
      error: { code: "NOT_LEADER_OR_FOLLOWER" },
    });
  });

  it("shrinks the ISR when a follower fails, and expands it once the follower caught up", async () => {
    const t = await replicatedTopic();
    await t.produce(0, ["a"]);
    await t.replica(2).injectFault("crash");
    expect(await t.produce(0, ["b"])).toMatchObject({ ok: true, baseOffset: 1 });
    expect((await t.state()).isr).toEqual([0, 1]);
    expect(await t.produce(0, ["c"])).toMatchObject({ ok: true, baseOffset: 2 });
    await t.replica(2).injectFault("heal");
    await eventually(async () => (await t.state()).isr.length === 3, 10_000);
    expect((await t.log(2)).values).toEqual(["a", "b", "c"]);
    const described = await t.controller.describe();
    expect(described).toMatchObject({
      ok: true,
      description: { counters: { isrShrinks: 1, isrExpands: 1, elections: 0 } },
    });
  });

  it("restarts a crashed replica from storage when another fault replaces the crash", async () => {
    const t = await replicatedTopic();
    await t.produce(0, ["a"]);
    await t.replica(0).injectFault("crash");
    await t.replica(0).injectFault("slow");
    // Back up, it leads again once the controller confirms it still should.
    await eventually(async () => (await t.produce(0, ["b"])).ok, 10_000);
    expect((await t.log(0)).values).toEqual(["a", "b"]);
    await t.replica(0).injectFault("heal");
    await eventually(async () => JSON.stringify((await t.log(1)).values) === JSON.stringify(["a", "b"]));
  });

  it("enforces minInsyncReplicas before the append and after it", async () => {
    const t = await replicatedTopic();
    await t.replica(1).injectFault("crash");
    await t.replica(2).injectFault("crash");
    expect(await t.produce(0, ["lonely"])).toMatchObject({
      ok: false,
      error: { code: "NOT_ENOUGH_REPLICAS_AFTER_APPEND" },
    });
    await eventually(async () => (await t.state()).isr.length === 1);
    expect(await t.produce(0, ["refused"])).toMatchObject({ ok: false, error: { code: "NOT_ENOUGH_REPLICAS" } });
    expect((await t.log(0)).values).toEqual(["lonely"]);
    // acks=1 needs only the leader.
    expect(await t.produce(0, ["one"], "1")).toMatchObject({ ok: true, baseOffset: 1 });
  });

  it("elects the first live ISR member when the leader dies, keeping every acknowledged record", async () => {
    const t = await replicatedTopic();
    await t.produce(0, ["a", "b"]);
    await t.replica(0).injectFault("crash");
    const elected = await t.controller.reportUnreachable({ partition: 0, replica: 0, leaderEpoch: 0 });
    expect(elected).toMatchObject({ ok: true, state: { leader: 1, leaderEpoch: 1, isr: [1, 2] } });
    expect(await t.produce(1, ["c"])).toMatchObject({ ok: true, baseOffset: 2 });
    expect((await t.log(1)).values).toEqual(["a", "b", "c"]);
    expect((await t.log(2)).values).toEqual(["a", "b", "c"]);
    // A live leader is not replaced on hearsay.
    expect(await t.controller.reportUnreachable({ partition: 0, replica: 1, leaderEpoch: 1 })).toMatchObject({
      ok: true,
      state: { leader: 1, leaderEpoch: 1 },
    });
  });

  it("fences a stale leader and truncates its diverged suffix when it comes back", async () => {
    const t = await replicatedTopic({ minInsyncReplicas: 1 });
    await t.produce(0, ["a"]);
    // Cut off from everyone but routers, the leader takes acks=1 writes alone (never
    // committed: it can neither replicate them nor shrink the ISR) until it dies.
    await t.replica(0).injectFault("partition");
    expect(await t.produce(0, ["lost-1", "lost-2"], "1")).toMatchObject({ ok: true, baseOffset: 1 });
    await t.replica(0).injectFault("crash");
    const elected = await t.controller.reportUnreachable({ partition: 0, replica: 0, leaderEpoch: 0 });
    expect(elected).toMatchObject({ ok: true, state: { leader: 1, leaderEpoch: 1, isr: [1, 2] } });
    expect(await t.produce(1, ["b"])).toMatchObject({ ok: true, baseOffset: 1 });
    // The old leader returns believing it still leads epoch 0: its followers fence it,
    // so nothing it takes is acknowledged with acks=all.
    await t.replica(0).injectFault("heal");
    const stale = await t.produce(0, ["stale"]);
    expect(stale.ok).toBe(false);
    // It learns the new leader, truncates what diverged and catches up.
    await eventually(async () => {
      const log = await t.log(0);
      return JSON.stringify(log.values) === JSON.stringify(["a", "b"]);
    }, 10_000);
    expect((await t.log(1)).values).toEqual(["a", "b"]);
    expect((await t.log(2)).values).toEqual(["a", "b"]);
    expect(await t.replica(0).describe()).toMatchObject({ ok: true, role: "follower", leaderEpoch: 1 });
  });
});

const OLD_BATCHES = 20;
/** Waits for `check` with a generous bound: the machine running these may be busy. */
const settled = (check: () => Promise<boolean>) => eventually(check, 15_000);
const fetchAt = (offset: number | "earliest") => ({
  offset,
  maxRecords: 100,
  maxBytes: 1 << 20,
  maxWaitMs: 0,
  encoding: "json" as const,
  waitKey: null,
  allowFollower: false,
});

type Topic = Awaited<ReturnType<typeof replicatedTopic>>;

/** Moves replica `r`'s retention clock an hour on: its records expire, and no other
 * replica's do, so whatever another replica deletes it learnt from the leader. */
async function expireOn(t: Topic, r: number): Promise<void> {
  await runInDurableObject(t.replica(r), (instance) => {
    instance.retention.nowMs = () => Date.now() + 3_600_000;
  });
}

/** 20 batches of 1,024 stored bytes, then a small one that outlives a moved clock. */
async function fillLog(t: Topic): Promise<void> {
  for (let i = 0; i < OLD_BATCHES; i++) await t.produceRecords(0, [sizedRecord(1_000)]);
  const newer = jsonRecord("new", { timestamp: Date.now() + 2 * 3_600_000 });
  expect(await t.produceRecords(0, [newer])).toMatchObject({ ok: true, baseOffset: OLD_BATCHES });
}

describe("retention on followers", () => {
  for (const [by, config, start] of [
    ["retentionMs", { retentionMs: 60_000 }, OLD_BATCHES],
    // The newest 3 large batches and the small one fit in 3,500 bytes.
    ["retentionBytes", { retentionBytes: 3_500 }, OLD_BATCHES - 3],
  ] as const) {
    it(`follower logs shrink with the leader's (${by}): same logStartOffset, same stored size`, async () => {
      const t = await replicatedTopic(config);
      await expireOn(t, 0);
      await fillLog(t);
      await settled(async () => (await t.status(0)).logStartOffset === start);
      const leader = await t.status(0);
      await settled(async () => {
        const followers = await Promise.all([1, 2].map(t.status));
        return followers.every((f) => f.logStartOffset === start && f.sizeBytes === leader.sizeBytes);
      });
      const followers = await Promise.all([1, 2].map(t.status));
      console.log(
        `retention by ${by}: leader logStartOffset ${leader.logStartOffset}, ${leader.sizeBytes} B; ` +
          `followers ${followers.map((f) => `${f.logStartOffset}, ${f.sizeBytes} B`).join("; ")}`,
      );
      for (const r of [0, 1, 2]) {
        const log = await t.log(r);
        expect(log.values.length, `replica ${r} keeps only the retained records`).toBe(OLD_BATCHES + 1 - start);
        expect(log.values.at(-1)).toBe("new");
      }
      // Restarted from storage, every replica still starts there.
      await abortAllDurableObjects();
      for (const r of [0, 1, 2]) expect(await t.status(r)).toMatchObject({ logStartOffset: start });
    });
  }

  it("a follower that missed the deleted records starts at the leader's logStartOffset, not 0", async () => {
    const t = await replicatedTopic({ retentionMs: 60_000 });
    await expireOn(t, 0);
    await t.replica(2).injectFault("crash");
    await fillLog(t);
    await settled(async () => (await t.status(0)).logStartOffset === OLD_BATCHES);
    // Replica 2 holds nothing the leader still has: it must start again at offset 20.
    await t.replica(2).injectFault("heal");
    await settled(async () => (await t.state()).isr.length === 3);
    const leader = await t.status(0);
    const caughtUp = await t.status(2);
    console.log(
      `caught up from scratch: leader ${leader.logStartOffset}..${leader.logEndOffset} (${leader.sizeBytes} B), ` +
        `replica 2 ${caughtUp.logStartOffset}..${caughtUp.logEndOffset} (${caughtUp.sizeBytes} B)`,
    );
    expect(caughtUp).toMatchObject({
      logStartOffset: OLD_BATCHES,
      logEndOffset: OLD_BATCHES + 1,
      sizeBytes: leader.sizeBytes,
    });
    expect((await t.log(2)).values).toEqual(["new"]);
  });

  it("the leader elected after a crash serves nothing below the deleted records", async () => {
    const t = await replicatedTopic({ retentionMs: 60_000 });
    await expireOn(t, 0);
    await fillLog(t);
    await settled(async () => {
      const earliest = await t.replica(0).listOffsets("earliest");
      return earliest.ok && earliest.offset === OLD_BATCHES;
    });
    await t.replica(0).injectFault("crash");
    const elected = await t.controller.reportUnreachable({ partition: 0, replica: 0, leaderEpoch: 0 });
    expect(elected).toMatchObject({ ok: true, state: { leader: 1, leaderEpoch: 1 } });
    // Replica 1's own clock expires nothing: its start can only come from the old leader.
    const answers = await earliestUntilServed(t.replica(1));
    console.log(`earliest on the new leader after the crash: ${answers.join(", ")}`);
    expect(answers.at(-1)).toBe(String(OLD_BATCHES));
    expect(await t.replica(1).fetchRecords(fetchAt(OLD_BATCHES - 1))).toMatchObject({
      ok: false,
      error: { code: "OFFSET_OUT_OF_RANGE", details: { logStartOffset: OLD_BATCHES } },
    });
    expect(await t.replica(1).fetchRecords(fetchAt("earliest"))).toMatchObject({ ok: true, fetchOffset: OLD_BATCHES });
    await settled(async () => (await t.status(2)).logStartOffset === OLD_BATCHES);
  });

  it("a follower elected while it holds an uncommitted logStartOffset commits it before serving", async () => {
    const t = await replicatedTopic({ retentionMs: -1 });
    await fillLog(t);
    // The leader's retention chose offset 20 and told replica 1, then crashed before
    // replica 2 heard of it: it may already have served 20, so replica 1 must not serve
    // less, nor anything before replica 2 holds it too.
    const held = await t.replica(1).replicate({
      leaderEpoch: 0,
      leader: 0,
      fromOffset: OLD_BATCHES + 1,
      prevEpoch: 0,
      batches: [],
      highWatermark: OLD_BATCHES + 1,
      logStartOffset: 0,
      pendingLogStartOffset: OLD_BATCHES,
      compaction: NO_PASSES,
    });
    expect(held).toMatchObject({ ok: true, matched: true, pendingLogStartOffset: OLD_BATCHES });
    expect(await t.status(1)).toMatchObject({ logStartOffset: 0 });
    await t.replica(0).injectFault("crash");
    await t.controller.reportUnreachable({ partition: 0, replica: 0, leaderEpoch: 0 });
    const answers = await earliestUntilServed(t.replica(1));
    console.log(`earliest on the new leader holding 20: ${answers.join(", ")}`);
    expect(answers.at(-1)).toBe(String(OLD_BATCHES));
    const follower = await t.log(2);
    expect(follower.pendingLogStartOffset).toBeGreaterThanOrEqual(OLD_BATCHES);
    await settled(async () => (await t.status(2)).logStartOffset === OLD_BATCHES);
    expect((await t.log(2)).values).toEqual(["new"]);
  });

  it("that leader answers reads OFFSET_NOT_AVAILABLE for as long as the ISR does not hold its start", async () => {
    // Assigned by hand, with no controller to shrink the ISR: replica 2 being down
    // keeps the new leader from committing, for as long as the test likes.
    const topicId = `held-${crypto.randomUUID()}`;
    const replica = (r: number) => env.REPLICA.get(env.REPLICA.idFromName(`${topicId}/0/${r}`));
    const first = { replicas: [0, 1, 2], leader: 0, leaderEpoch: 0, isr: [0, 1, 2] };
    for (const r of [0, 1, 2])
      expect(await replica(r).assign(assignment(topicId, r, first))).toMatchObject({ ok: true });
    const produce = (r: number, value: string) =>
      replica(r).produce(produceRequest({ acks: "all", producer: null, format: "json", records: [jsonRecord(value)] }));
    for (let i = 0; i < OLD_BATCHES; i++) expect(await produce(0, `old-${i}`)).toMatchObject({ ok: true });
    expect(await produce(0, "new")).toMatchObject({ ok: true, baseOffset: OLD_BATCHES });
    await replica(1).replicate({
      leaderEpoch: 0,
      leader: 0,
      fromOffset: OLD_BATCHES + 1,
      prevEpoch: 0,
      batches: [],
      highWatermark: OLD_BATCHES + 1,
      logStartOffset: 0,
      pendingLogStartOffset: OLD_BATCHES,
      compaction: NO_PASSES,
    });
    await replica(0).injectFault("crash");
    await replica(2).injectFault("crash");
    const second = { ...first, leader: 1, leaderEpoch: 1, partitionEpoch: 1, isr: [1, 2] };
    expect(await replica(1).assign(assignment(topicId, 1, second))).toMatchObject({ ok: true, role: "leader" });
    const notYet = { ok: false, error: { code: "OFFSET_NOT_AVAILABLE" } };
    for (let i = 0; i < 5; i++) {
      expect(await replica(1).listOffsets("earliest")).toMatchObject(notYet);
      expect(await replica(1).fetchRecords(fetchAt(0))).toMatchObject(notYet);
      expect(await replica(1).describe()).toMatchObject(notYet);
      // Real time on purpose: what must not happen here is a push to replica 2 (real
      // RPC) getting through, and fake time would not let those calls run at all.
      await new Promise((r) => setTimeout(r, 100));
    }
    // Writes go on meanwhile.
    const during = await replica(1).produce(
      produceRequest({ acks: "1", producer: null, format: "json", records: [jsonRecord("during")] }),
    );
    expect(during).toMatchObject({ ok: true, baseOffset: OLD_BATCHES + 1 });
    await replica(2).injectFault("heal");
    const answers = await earliestUntilServed(replica(1));
    console.log(`earliest on a leader whose ISR could not confirm, then could: ${answers.join(", ")}`);
    expect(await replica(1).fetchRecords(fetchAt(OLD_BATCHES - 1))).toMatchObject({
      ok: false,
      error: { code: "OFFSET_OUT_OF_RANGE" },
    });
    expect(await replica(2).describe()).toMatchObject({ ok: true, logStartOffset: OLD_BATCHES });
  });
});

type ReplicaStub = ReturnType<Topic["replica"]>;

/** Asks a replica for the earliest offset until it answers one: each answer must be
 * OFFSET_NOT_AVAILABLE (retriable) or 20, never lower. */
async function earliestUntilServed(replica: ReplicaStub): Promise<string[]> {
  const answers: string[] = [];
  await settled(async () => {
    const earliest = await replica.listOffsets("earliest");
    answers.push(earliest.ok ? String(earliest.offset) : earliest.error.code);
    if (earliest.ok) expect(earliest.offset).toBe(OLD_BATCHES);
    else expect(earliest.error.code).toBe("OFFSET_NOT_AVAILABLE");
    return earliest.ok;
  });
  return answers;
}

// Coalesced replication: the batches waiting for a follower go in one replicate call,
// one transaction on the follower, in offset order; a call that fails part-way leaves
// nothing of itself on the follower.

import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ReplicatedBatch } from "../../src/partition/partition-log.js";
import type { PartitionReplica } from "../../src/partition/partition-replica.js";
import { eventually, jsonRecord } from "./replica-helpers.js";

const NO_PASSES = { passes: [], committedSeq: 0, lastSeq: 0 };

import { replicatedTopic } from "./replicated-topic.js";

const BATCHES = 8;

async function requests(stub: DurableObjectStub<PartitionReplica>): Promise<number> {
  const metrics = await stub.metrics();
  if (!metrics.ok) throw new Error(metrics.error.message);
  return metrics.requests;
}

describe("coalesced replication", () => {
  it("sends the batches waiting for a follower in one call, in order", async () => {
    const t = await replicatedTopic();
    expect(await t.produce(0, ["first"])).toMatchObject({ ok: true, baseOffset: 0 });
    // Slow followers (400 ms a call): the batches that arrive during the first push wait
    // for it, and then all go in the next.
    for (const r of [1, 2]) await t.replica(r).injectFault("slow");
    const before = [await requests(t.replica(1)), await requests(t.replica(2))];
    const values = Array.from({ length: BATCHES }, (_, i) => [`${i}-a`, `${i}-b`]);
    const answers = await Promise.all(values.map((v) => t.produce(0, v)));
    const calls = [(await requests(t.replica(1))) - before[0]!, (await requests(t.replica(2))) - before[1]!];
    for (const c of calls) expect(c).toBeLessThanOrEqual(2);
    for (const r of [1, 2]) await t.replica(r).injectFault("heal");
    // Offsets are dense and each batch's records stay together, in the order appended.
    const bases = answers.map((a) => (a.ok ? a.baseOffset : -1)).sort((a, b) => a - b);
    expect(bases).toEqual(Array.from({ length: BATCHES }, (_, i) => 1 + 2 * i));
    const leader = await t.log(0);
    for (const r of [1, 2]) expect((await t.log(r)).values).toEqual(leader.values);
    for (const [i, answer] of answers.entries()) {
      const at = answer.ok ? answer.baseOffset : -1;
      expect(leader.values.slice(at, at + 2)).toEqual(values[i]);
    }
  });

  it("a replicate call that fails part-way applies none of its batches", async () => {
    const t = await replicatedTopic();
    await t.produce(0, ["a"]);
    await t.produce(0, ["b", "c"]);
    const stored = await runInDurableObject(t.replica(0), (leader: PartitionReplica) =>
      leader.log.batchesFrom(0, 1 << 20, 10),
    );
    expect(stored.map((b) => b.baseOffset)).toEqual([0, 1]);
    // Two batches that continue the log, then one that skips an offset: the follower's
    // one transaction stops at the third, and the first two are undone with it.
    const moved = (batch: ReplicatedBatch, baseOffset: number): ReplicatedBatch => ({
      ...batch,
      baseOffset,
      lastOffset: baseOffset + batch.lastOffset - batch.baseOffset,
    });
    const push = [moved(stored[0]!, 3), moved(stored[1]!, 4), moved(stored[0]!, 7)];
    const refused = await runInDurableObject(t.replica(1), async (follower: PartitionReplica) => {
      try {
        await follower.replicate({
          leaderEpoch: 0,
          leader: 0,
          fromOffset: 3,
          prevEpoch: 0,
          batches: push,
          highWatermark: 3,
          logStartOffset: 0,
          pendingLogStartOffset: 0,
          compaction: NO_PASSES,
        });
        return "applied";
      } catch (error) {
        return String(error);
      }
    });
    expect(refused).toMatch(/batch at 7 appended at 6/);
    expect(await t.log(1)).toMatchObject({ logEndOffset: 3, values: ["a", "b", "c"] });
    // The follower reloaded from storage and goes on as before.
    expect(await t.produce(0, ["d"])).toMatchObject({ ok: true, baseOffset: 3 });
    await eventually(async () => JSON.stringify((await t.log(1)).values) === JSON.stringify(["a", "b", "c", "d"]));
  });

  it("a follower failing while batches wait for it leaves the ISR; every acknowledged batch is kept", async () => {
    const t = await replicatedTopic();
    await t.produce(0, ["a"]);
    await t.replica(2).injectFault("crash");
    const answers = await Promise.all(
      Array.from({ length: BATCHES }, (_, i) => t.produceRecords(0, [jsonRecord(`v${i}`)])),
    );
    for (const answer of answers) expect(answer).toMatchObject({ ok: true });
    expect((await t.state()).isr).toEqual([0, 1]);
    const expected = (await t.log(0)).values;
    expect(expected).toHaveLength(BATCHES + 1);
    expect((await t.log(1)).values).toEqual(expected);
    await t.replica(2).injectFault("heal");
    await eventually(async () => (await t.state()).isr.length === 3, 10_000);
    expect((await t.log(2)).values).toEqual(expected);
  });
});

// A compacting replica: passes run in bounded steps from its alarm, leave gaps that
// fetch, ListOffsets and producer dedup handle, and expire tombstones on its own clock.

import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { STEP_ROWS } from "../../src/partition/compaction.js";
import {
  COMPACT,
  compactUntil,
  type Inside,
  type Progress,
  progressOf,
  read,
  type Stub,
  send,
} from "./compaction-helpers.js";
import {
  advance,
  assignment,
  fetchFrom,
  jsonRecord,
  leaderReplica,
  manualClock,
  produceRequest,
  reopen,
} from "./replica-helpers.js";

/** One compaction step run here, with the alarm and its tasks cleared before and after,
 * so that no step runs on its own meanwhile. */
async function stepHere(stub: Stub, before: () => void = () => undefined): Promise<void> {
  await runInDurableObject(stub, async (instance, state) => {
    const clear = async () => {
      await state.storage.deleteAlarm();
      state.storage.sql.exec("DELETE FROM alarm_tasks");
    };
    before();
    await clear();
    await (instance as unknown as Inside).compaction.step();
    await clear();
  });
}

describe("a compacting replica", () => {
  it("keeps the last record of each key at its offset; fetch, nextOffset and ListOffsets pass the gaps", async () => {
    const { stub } = await leaderReplica(COMPACT);
    await send(stub, [
      ["a", 1],
      ["b", 1],
    ]); // 0, 1
    await send(stub, [
      ["a", 2],
      ["a", 3],
    ]); // 2, 3
    await send(stub, [["c", 1]]); // 4
    await send(stub, [
      ["b", 2],
      ["a", 4],
    ]); // 5, 6
    await compactUntil(stub, 1);
    expect((await read(stub)).records).toEqual([
      [4, "c", 1],
      [5, "b", 2],
      [6, "a", 4],
    ]);
    // A fetch inside a gap starts at the next record; a row read whole is passed.
    expect(await read(stub, 1)).toEqual({
      records: [
        [4, "c", 1],
        [5, "b", 2],
        [6, "a", 4],
      ],
      nextOffset: 7,
    });
    expect(await read(stub, 0, 1)).toEqual({ records: [[4, "c", 1]], nextOffset: 5 });
    // Binary reads (the fetch frame's kind 2) list the offsets, and only across a gap.
    const binary = async (offset: number) => {
      const fetched = await stub.fetchRecords({ ...fetchFrom(offset), encoding: "batch" });
      if (!fetched.ok) throw new Error(JSON.stringify(fetched.error));
      return [fetched.recordCount, fetched.recordOffsets, fetched.nextOffset];
    };
    expect(await binary(0)).toEqual([3, [4, 5, 6], 7]);
    expect(await binary(5)).toEqual([2, undefined, 7]);
    expect(await stub.listOffsets("earliest")).toMatchObject({ ok: true, offset: 0 });
    expect(await stub.listOffsets("latest")).toMatchObject({ ok: true, offset: 7 });
    expect(await stub.listOffsets(0)).toMatchObject({ ok: true, offset: 4 });
    // New records land after the gap, at their own offsets.
    expect(await send(stub, [["c", 2]])).toMatchObject({ baseOffset: 7 });
    // Passes may have run between the appends (the alarm runs on its own): each record
    // was removed once, by whichever.
    const metrics = await stub.metrics();
    expect(metrics).toMatchObject({ ok: true, compactionRecordsRemoved: 4 });
    if (!metrics.ok) throw new Error("no metrics");
    expect(metrics.compactionPasses).toBeGreaterThanOrEqual(1);
    expect(metrics.compactionRowsRewritten).toBeGreaterThanOrEqual(2);
    expect(metrics.compactionBytesRemoved).toBeGreaterThan(0);
    expect(metrics.dirtyRatio).toBeGreaterThan(0);
  });

  it("leaves records younger than minCompactionLagMs alone, and compacts them once they are old enough", async () => {
    const { stub } = await leaderReplica({ ...COMPACT, minCompactionLagMs: 60_000 });
    const clock = await manualClock(stub);
    await send(stub, [["a", 1]]);
    await send(stub, [["a", 2]]);
    await runDurableObjectAlarm(stub);
    expect((await read(stub)).records).toEqual([
      [0, "a", 1],
      [1, "a", 2],
    ]);
    expect(await progressOf(stub)).toMatchObject({ committedSeq: 0 });
    await advance(stub, clock, 60_000);
    await compactUntil(stub, 1);
    expect((await read(stub)).records).toEqual([[1, "a", 2]]);
  });

  it("keeps a tombstone for deleteRetentionMs after the pass that cleaned it, then drops it", async () => {
    const { stub } = await leaderReplica({ ...COMPACT, deleteRetentionMs: 10_000 });
    const clock = await manualClock(stub);
    await send(stub, [
      ["a", 1],
      ["b", 1],
    ]);
    await send(stub, [["a", null]]);
    await compactUntil(stub, 1);
    const passes = (await progressOf(stub)).appliedSeq;
    expect((await read(stub)).records).toEqual([
      [1, "b", 1],
      [2, "a", null],
    ]);
    await advance(stub, clock, 10_000);
    await runDurableObjectAlarm(stub);
    expect((await read(stub)).records).toEqual([
      [1, "b", 1],
      [2, "a", null],
    ]);
    // Past the horizon, the due task chooses a pass that drops it.
    await advance(stub, clock, 1);
    await compactUntil(stub, passes + 1);
    expect((await read(stub)).records).toEqual([[1, "b", 1]]);
    expect(await read(stub, 2)).toEqual({ records: [], nextOffset: 3 });
  });

  it("deduplicates an idempotent producer's retry after compaction removed its records, and after a restart", async () => {
    const { stub, topicId } = await leaderReplica(COMPACT);
    const producer = { producerId: 9_001, producerEpoch: 0, baseSequence: 0 };
    await send(stub, [["k", 1]], producer);
    await send(stub, [["k", 2]], { ...producer, baseSequence: 1 });
    await send(stub, [["k", 3]]);
    await compactUntil(stub, 1);
    expect((await read(stub)).records).toEqual([[2, "k", 3]]);
    const retry = () =>
      reopen(topicId).produce(
        produceRequest({
          acks: "all",
          producer: { ...producer, baseSequence: 1 },
          format: "json",
          records: [jsonRecord(2, { key: "k" })],
        }),
      );
    expect(await retry()).toMatchObject({ ok: true, baseOffset: 1, lastOffset: 1, rowsWritten: 0 });
    await abortAllDurableObjects();
    expect(await retry()).toMatchObject({ ok: true, baseOffset: 1, lastOffset: 1, rowsWritten: 0 });
    expect((await read(reopen(topicId))).records).toEqual([[2, "k", 3]]);
  });

  it("cleans a large log in bounded steps and resumes a pass after a restart", async () => {
    // minCompactionLagMs on a manual clock holds compaction back while the rows go in.
    const { stub, topicId } = await leaderReplica({ ...COMPACT, minCompactionLagMs: 1_000 });
    const clock = await manualClock(stub);
    const rows = STEP_ROWS + 44;
    for (let i = 0; i < rows; i++) {
      await send(stub, [
        [`k${i % 7}`, i],
        [`u${i}`, i],
      ]);
    }
    // The choice, then cleaning steps, each step driven here (the alarm that would
    // run it is cleared); a restart in the middle of the cleaning.
    expect(await progressOf(stub)).toMatchObject({ committedSeq: 0 });
    await stepHere(stub, () => clock.advance(1_000));
    let steps = 1;
    while ((await progressOf(stub)).cursor <= 0 && steps++ < 20) await stepHere(stub);
    expect(steps).toBe(3); // two choosing steps (256 rows, then 44), one cleaning step
    expect(await progressOf(stub)).toMatchObject({ appliedSeq: 0, committedSeq: 1, cursor: 2 * STEP_ROWS });
    await abortAllDurableObjects();
    const restarted = reopen(topicId);
    steps = 0;
    while ((await progressOf(restarted)).appliedSeq < 1 && steps++ < 20) await stepHere(restarted);
    // The key map built again, now in one step (the first cleaning step merged its 256
    // small rows into a few), then the one cleaning step left.
    expect(steps).toBe(2);
    const last = new Map<string, readonly [number, string, number]>();
    for (let i = 0; i < rows; i++) {
      last.set(`k${i % 7}`, [2 * i, `k${i % 7}`, i]);
      last.set(`u${i}`, [2 * i + 1, `u${i}`, i]);
    }
    const expected = [...last.values()].sort((x, y) => x[0] - y[0]);
    expect((await read(restarted, "earliest", 10_000)).records).toEqual(expected);
  });
});

describe("a follower learning the leader's passes", () => {
  const pass = (seq: number, leaderEpoch: number, endOffset = 0) => ({
    seq,
    leaderEpoch,
    endOffset,
    nowMs: 1,
    deleteRetentionMs: 0,
  });
  type Learner = {
    compaction: {
      learn(sync: { passes: ReturnType<typeof pass>[]; committedSeq: number; lastSeq: number }): number;
      state: Progress;
    };
  };

  it("stores passes in order, replaces a deposed leader's uncommitted ones, drops those the leader lacks", async () => {
    const topicId = `learn-${crypto.randomUUID()}`;
    const stub = env.REPLICA.get(env.REPLICA.idFromName(`${topicId}/0/1`));
    const state = { replicas: [0, 1], leader: 0, isr: [0, 1] };
    expect(await stub.assign(assignment(topicId, 1, state, COMPACT))).toMatchObject({ ok: true, role: "follower" });
    const learn = (passes: ReturnType<typeof pass>[], committedSeq: number, lastSeq: number) =>
      runInDurableObject(stub, (instance) => {
        const { compaction } = instance as unknown as Learner;
        return {
          stored: compaction.learn({ passes, committedSeq, lastSeq }),
          committed: compaction.state.committedSeq,
        };
      });
    // Passes 1 and 2 of leader epoch 0; pass 1 committed.
    expect(await learn([pass(1, 0), pass(2, 0)], 1, 2)).toEqual({ stored: 2, committed: 1 });
    // A gap (pass 4 without 3) is not stored: the follower answers where it is.
    expect(await learn([pass(4, 0)], 1, 4)).toEqual({ stored: 2, committed: 1 });
    // A new leader (epoch 1) chose its own pass 2 and a pass 3: its pass 2 replaces ours.
    expect(await learn([pass(2, 1), pass(3, 1)], 1, 3)).toEqual({ stored: 3, committed: 1 });
    const epochs = await runInDurableObject(stub, (_, s) =>
      s.storage.sql
        .exec<{ seq: number; e: number }>("SELECT seq, leader_epoch AS e FROM compaction_passes ORDER BY seq")
        .toArray(),
    );
    expect(epochs.map((r) => [r.seq, r.e])).toEqual([
      [1, 0],
      [2, 1],
      [3, 1],
    ]);
    // A later leader has only up to pass 2: pass 3 goes; commits never pass what is stored.
    expect(await learn([pass(2, 1)], 5, 2)).toEqual({ stored: 2, committed: 2 });
  });
});

// Compaction merges the small rows cleaning leaves, so a compacted log's rows stay
// bounded by its live records rather than by every produce batch ever appended; and a
// follower that was away catches up inside merged rows and past passes the leader no
// longer keeps (the DO tests keep compactionPassesKept at 2).

import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { COMPACT, compactUntil, progressOf, read, type Stub, send } from "./compaction-helpers.js";
import { eventually, jsonRecord, leaderReplica, produceRequest, reopen } from "./replica-helpers.js";
import { replicatedTopic } from "./replicated-topic.js";

type Row = { base: number; last: number; producer: number | null };
const rowsOf = (stub: Stub) =>
  runInDurableObject(stub, (_, state) =>
    state.storage.sql
      .exec<Row>("SELECT base_offset AS base, last_offset AS last, producer_id AS producer FROM batches ORDER BY base")
      .toArray(),
  );

/** Every offset from the first row's base to the last row's end in exactly one row. */
function expectDense(rows: readonly Row[]): void {
  expect(rows.slice(1).map((row) => row.base)).toEqual(rows.slice(0, -1).map((row) => row.last + 1));
}

describe("merged rows", () => {
  it("a compacted log keeps a few rows, not one per batch; reads, gaps and producer dedup are unchanged", async () => {
    const { stub, topicId } = await leaderReplica(COMPACT);
    const last = new Map<string, [number, string, number]>();
    for (let i = 0; i < 300; i++) {
      const key = `k${i % 5}`;
      await send(stub, [[key, i]]);
      last.set(key, [i, key, i]);
    }
    const producer = { producerId: 9_101, producerEpoch: 0, baseSequence: 0 };
    const sent = await send(stub, [["p", 300]], producer);
    last.set("p", [300, "p", 300]);
    await send(stub, [["k0", 301]]);
    last.set("k0", [301, "k0", 301]);
    await compactUntil(stub, 1);

    const rows = await rowsOf(stub);
    expectDense(rows);
    expect(rows[0]!.base).toBe(0);
    expect(rows.at(-1)!.last).toBe(301);
    // The producer's batch keeps its row (its state is rebuilt from it); the rows before
    // and after it are merged.
    expect(rows.length).toBeLessThanOrEqual(3);
    expect(rows.filter((r) => r.producer === 9_101)).toEqual([{ base: 300, last: 300, producer: 9_101 }]);
    const expected = [...last.values()].sort((a, b) => a[0] - b[0]);
    expect((await read(stub)).records).toEqual(expected);
    // Inside a merged row's gap, a read starts at the next record.
    expect(await read(stub, 1, 1)).toEqual({ records: [expected[0]], nextOffset: expected[0]![0] + 1 });
    expect(await read(stub, 297, 2)).toMatchObject({ records: expected.slice(1, 3) });
    const retry = await reopen(topicId).produce(
      produceRequest({ acks: "all", producer, format: "json", records: [jsonRecord(300, { key: "p" })] }),
    );
    expect(retry).toMatchObject({ ok: true, baseOffset: sent.baseOffset, rowsWritten: 0 });
  });

  it("a follower away while the leader merged rows and forgot passes catches up and serves the same log", {
    timeout: 60_000,
  }, async () => {
    const t = await replicatedTopic(COMPACT);
    const written: [string, number][] = [];
    const write = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const pair: [string, number] = [`k${written.length % 4}`, written.length];
        written.push(pair);
        const sent = await t.produceRecords(0, [jsonRecord(pair[1], { key: pair[0] })]);
        if (!sent.ok) throw new Error(JSON.stringify(sent.error));
      }
    };
    await write(10);
    await eventually(async () => (await t.state()).isr.length === 3);
    // Replica 2 is cut off mid-log; the others go on for several passes, merging rows.
    await t.replica(2).injectFault("partition");
    await eventually(async () => (await t.state()).isr.length === 2, 15_000);
    for (let round = 0; round < 4; round++) {
      await write(40);
      const target = (await progressOf(t.replica(0))).committedSeq + 1;
      await eventually(async () => (await progressOf(t.replica(0))).appliedSeq >= target, 15_000);
    }
    const leaderRows = await rowsOf(t.replica(0));
    expect(leaderRows.length).toBeLessThan(written.length / 4);
    await t.replica(2).injectFault("heal");

    const model = new Map<string, { offset: number; key: string; value: number }>();
    for (const [offset, [key, value]] of written.entries()) model.set(key, { offset, key, value });
    const expected = JSON.stringify([...model.values()].sort((a, b) => a.offset - b.offset));
    const stored = async (r: number) =>
      JSON.stringify(
        (JSON.parse((await t.replica(r).dumpLog(0)).records) as { offset: number; key: string; value: number }[]).map(
          ({ offset, key, value }) => ({ offset, key, value }),
        ),
      );
    await eventually(async () => (await t.state()).isr.length === 3, 30_000);
    await eventually(async () => (await stored(2)) === expected, 30_000).catch(async (error) => {
      throw new Error(`${error.message}: expected ${expected}, follower ${await stored(2)}`);
    });
    expectDense(await rowsOf(t.replica(2)));
    // Back in the ISR, it stores the leader's next pass, so compaction goes on.
    await write(20);
    const next = (await progressOf(t.replica(0))).appliedSeq + 1;
    await eventually(async () => (await progressOf(t.replica(2))).appliedSeq >= next, 30_000);
  });
});

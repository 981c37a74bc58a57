// Lazy highWatermark checkpoints: a restart may recover a highWatermark below the one
// last reported, and then nothing below the reported one is lost or changed, a fetch
// or a group's committed offset in between waits or comes back empty (never
// OFFSET_OUT_OF_RANGE) until the highWatermark catches up.

import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { FetchRequest } from "../../src/partition/replica-types.js";
import { advance, eventually, manualClock } from "./replica-helpers.js";
import { replicatedTopic } from "./replicated-topic.js";

const VALUES = ["a", "b", "c"];

function fetchAt(offset: number, maxWaitMs: number): FetchRequest {
  const bounds = { maxRecords: 100, maxBytes: 1 << 20, encoding: "json" as const };
  return { offset, maxWaitMs, waitKey: null, allowFollower: true, ...bounds };
}

/** The highWatermark in the replica's log_state row: its last checkpoint. */
function storedHighWatermark(stub: Parameters<typeof manualClock>[0]): Promise<number> {
  return runInDurableObject(
    stub,
    (_, state) =>
      state.storage.sql.exec<{ hw: number }>("SELECT high_watermark AS hw FROM log_state").toArray()[0]?.hw ?? 0,
  );
}

const decoded = (records: Uint8Array) =>
  (JSON.parse(new TextDecoder().decode(records)) as { value: unknown }[]).map((r) => r.value);

async function call(method: string, path: string, body?: unknown) {
  const reply = await exports.default.fetch(`http://edgelog.test${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: reply.status, body: (await reply.json()) as Record<string, unknown> };
}

describe("lazy highWatermark checkpoints", () => {
  it("after a restart with the checkpoint behind, reads between it and the logEndOffset wait, then catch up", async () => {
    const t = await replicatedTopic({ followerFetch: true });
    expect(await t.produce(0, VALUES)).toMatchObject({ ok: true, lastOffset: 2 });
    // Follower fetch: the follower reported highWatermark 3 too.
    await eventually(async () => (await t.log(1)).highWatermark === 3);
    await abortAllDurableObjects();
    // The leader stays down, so nothing raises the follower's recovered highWatermark.
    await t.replica(0).injectFault("crash");
    const follower = t.replica(1);
    // No checkpoint within highWatermarkCheckpointIntervalMs (5 s): it recovers 0.
    expect(await t.log(1)).toMatchObject({ highWatermark: 0, logEndOffset: 3, values: VALUES });
    const waited = await follower.fetchRecords(fetchAt(1, 200));
    expect(waited).toMatchObject({ ok: true, recordCount: 0, highWatermark: 0 });
    expect(await follower.fetchRecords(fetchAt(3, 0))).toMatchObject({ ok: true, recordCount: 0 });
    expect(await follower.fetchRecords(fetchAt(4, 0))).toMatchObject({
      ok: false,
      error: { code: "OFFSET_OUT_OF_RANGE" },
    });
    // A parked fetch in the window answers once the leader is back and pushes.
    const parked = follower.fetchRecords(fetchAt(1, 10_000));
    await t.replica(0).injectFault("heal");
    const answer = await parked;
    expect(answer.ok && { records: decoded(answer.records), fetchOffset: answer.fetchOffset }).toEqual({
      records: ["b", "c"],
      fetchOffset: 1,
    });
    for (const r of [0, 1, 2]) expect((await t.log(r)).values).toEqual(VALUES);
  });

  it("writes the highWatermark within the checkpoint interval, so a restart recovers it", async () => {
    const t = await replicatedTopic();
    const clocks = await Promise.all([0, 1, 2].map((r) => manualClock(t.replica(r))));
    expect(await t.produce(0, VALUES)).toMatchObject({ ok: true, lastOffset: 2 });
    expect(await t.produce(0, ["d"])).toMatchObject({ ok: true, baseOffset: 3 });
    // The second push told the followers highWatermark 3; the leader's is 4.
    await eventually(async () => (await t.log(1)).highWatermark === 3);
    await advance(t.replica(0), clocks[0]!, 4_999);
    // The follower's checkpoint is due 5 s after its highWatermark moved; the push that
    // moved it may still be finishing when the clock first moves, so move it again
    // until the checkpoint is stored.
    await eventually(async () => {
      await advance(t.replica(1), clocks[1]!, 5_000);
      return (await storedHighWatermark(t.replica(1))) >= 3;
    });
    await abortAllDurableObjects();
    await t.replica(0).injectFault("crash");
    expect(await t.log(0)).toMatchObject({ highWatermark: 0, logEndOffset: 4 });
    // 3 as the follower was told, or 4 when the leader's next round reached it before
    // the interval ran out (it runs on its own, so a loaded machine may see either).
    const follower = await t.log(1);
    expect(follower).toMatchObject({ logEndOffset: 4 });
    expect(follower.highWatermark).toBeGreaterThanOrEqual(3);
  });

  it("a group's committed offset between the recovered highWatermark and the logEndOffset is kept", async () => {
    const t = await replicatedTopic();
    expect(await t.produce(0, VALUES)).toMatchObject({ ok: true, lastOffset: 2 });
    const group = `lazy-${crypto.randomUUID().slice(0, 8)}`;
    const join = async () => {
      const joined = await call("POST", `/v1/groups/${group}/heartbeat`, { memberEpoch: 0, topics: [t.name] });
      expect(joined.status, JSON.stringify(joined.body)).toBe(200);
      const { memberId, memberEpoch } = joined.body as { memberId: string; memberEpoch: number };
      return { memberId, memberEpoch };
    };
    const member = await join();
    const offsets = [{ topic: t.name, partition: 0, offset: 2 }];
    const committed = await call("POST", `/v1/groups/${group}/offsets`, { ...member, offsets });
    expect(committed.status, JSON.stringify(committed.body)).toBe(200);
    await abortAllDurableObjects();
    // The leader comes back with highWatermark 0 and raises it after its first round
    // with the ISR, which slow followers (400 ms a call) hold open; meanwhile the
    // group's fetches wait or fail retriably, and its committed offset is never reset.
    for (const r of [1, 2]) await t.replica(r).injectFault("slow");
    expect(await t.log(0)).toMatchObject({ highWatermark: 0, logEndOffset: 3 });
    let records: { offset: number; value: unknown }[] = [];
    await eventually(async () => {
      const fetched = await call("POST", `/v1/groups/${group}/fetch`, { ...member, maxWaitMs: 500 });
      expect(fetched.status, JSON.stringify(fetched.body)).toBe(200);
      const errors = fetched.body.errors as { error: { code: string } }[];
      for (const e of errors) expect(e.error.code).not.toBe("OFFSET_OUT_OF_RANGE");
      records = fetched.body.records as typeof records;
      return records.length > 0;
    }, 10_000);
    expect(records.map((r) => [r.offset, r.value])).toEqual([[2, "c"]]);
    for (const r of [1, 2]) await t.replica(r).injectFault("heal");
    const stored = await call("GET", `/v1/groups/${group}/offsets`);
    expect(stored.body.offsets).toMatchObject([{ partition: 0, offset: 2 }]);
  });
});

// Replication paths, each driven deterministically through the real controller and
// replica objects: acks=all, ISR shrink and expand, minInsyncReplicas, election,
// truncation of a diverged follower and fencing of a stale leader.

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { controllerStub } from "../../src/controller/controller-stub.js";
import { DEFAULT_TOPIC_CONFIG, type TopicMetadata } from "../../src/protocol/topic.js";
import { eventually, jsonRecord, produceRequest } from "./replica-helpers.js";

let n = 0;

async function replicatedTopic(config: Partial<typeof DEFAULT_TOPIC_CONFIG> = {}) {
  const name = `repl-${n++}-${crypto.randomUUID().slice(0, 6)}`;
  const catalog = env.CATALOG.get(env.CATALOG.idFromName("catalog"));
  const created = await catalog.createTopic(name, 1, {
    ...DEFAULT_TOPIC_CONFIG,
    replicationFactor: 3,
    minInsyncReplicas: 2,
    retentionMs: -1,
    ...config,
  });
  if (!created.ok) throw new Error(created.error.message);
  const { topicId } = created.metadata;
  const replica = (r: number) => env.REPLICA.get(env.REPLICA.idFromName(`${topicId}/0/${r}`));
  const controller = controllerStub(env, topicId);
  const state = async () => {
    const found = await controller.metadata();
    if (!found.ok) throw new Error(found.error.message);
    return (found.metadata as TopicMetadata).partitions[0]!;
  };
  const produce = (r: number, values: unknown[], acks: "all" | "1" = "all") =>
    replica(r).produce(
      produceRequest({ acks, producer: null, format: "json", records: values.map((v) => jsonRecord(v)) }),
    );
  const log = async (r: number) => {
    const dump = await replica(r).dumpLog(0);
    return { ...dump, values: (JSON.parse(dump.records) as { value: unknown }[]).map((x) => x.value) };
  };
  return { topicId, replica, controller, state, produce, log };
}

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

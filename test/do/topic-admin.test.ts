import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { controllerStub } from "../../src/controller/controller-stub.js";
import { DEFAULT_TOPIC_CONFIG } from "../../src/protocol/topic.js";
import { jsonRecord, produceRequest } from "./replica-helpers.js";

const catalog = () => env.CATALOG.get(env.CATALOG.idFromName("catalog"));
const replica = (topicId: string, partition: number) =>
  env.REPLICA.get(env.REPLICA.idFromName(`${topicId}/${partition}/0`));
let n = 0;
const topicName = () => `admin-${n++}-${crypto.randomUUID().slice(0, 6)}`;

async function created(name: string, partitions: number) {
  const result = await catalog().createTopic(name, partitions, DEFAULT_TOPIC_CONFIG);
  if (!result.ok) throw new Error(result.error.message);
  return result.metadata;
}

describe("catalog and topic controller", () => {
  it("creates a topic whose every partition has an assigned leader replica", async () => {
    const name = topicName();
    const metadata = await created(name, 3);
    expect(metadata).toMatchObject({ name, version: 1, config: DEFAULT_TOPIC_CONFIG });
    expect(metadata.partitions).toEqual(
      [0, 1, 2].map((partition) => ({
        partition,
        replicas: [0],
        leader: 0,
        leaderEpoch: 0,
        isr: [0],
        partitionEpoch: 0,
      })),
    );
    for (const p of [0, 1, 2]) {
      expect(await replica(metadata.topicId, p).describe()).toMatchObject({ ok: true, role: "leader", leaderEpoch: 0 });
    }
    expect(await catalog().lookup(name)).toEqual({ ok: true, topicId: metadata.topicId });
    expect((await catalog().listTopics()).find((t) => t.name === name)).toEqual({
      name,
      topicId: metadata.topicId,
      partitions: 3,
      config: DEFAULT_TOPIC_CONFIG,
    });
    expect(await catalog().createTopic(name, 1, DEFAULT_TOPIC_CONFIG)).toMatchObject({
      ok: false,
      error: { code: "TOPIC_ALREADY_EXISTS" },
    });
  });

  it("only grows partitions, and assigns the new ones", async () => {
    const name = topicName();
    const { topicId } = await created(name, 2);
    expect(await catalog().addPartitions(name, 2)).toMatchObject({ ok: false, error: { code: "INVALID_PARTITIONS" } });
    expect(await catalog().addPartitions(name, 1025)).toMatchObject({
      ok: false,
      error: { code: "INVALID_PARTITIONS" },
    });
    const grown = await catalog().addPartitions(name, 4);
    expect(grown).toMatchObject({ ok: true, metadata: { version: 2 } });
    expect(await replica(topicId, 3).describe()).toMatchObject({ ok: true, role: "leader" });
    expect((await catalog().listTopics()).find((t) => t.name === name)?.partitions).toBe(4);
  });

  it("validates a config change against the whole config and pushes it to replicas", async () => {
    const name = topicName();
    const { topicId } = await created(name, 1);
    expect(await catalog().alterConfig(name, { minInsyncReplicas: 2 })).toMatchObject({
      ok: false,
      error: { code: "INVALID_CONFIG" },
    });
    expect(await catalog().alterConfig(name, { retentionMs: 1_000 })).toMatchObject({
      ok: true,
      metadata: { version: 2, config: { retentionMs: 1_000 } },
    });
    const stored = await runInDurableObject(replica(topicId, 0), (_, state) =>
      state.storage.sql.exec<{ assignment: string }>("SELECT assignment FROM replica_assignment").one(),
    );
    expect(JSON.parse(stored.assignment).config).toMatchObject({ retentionMs: 1_000, retentionBytes: -1 });
  });

  it("deletes a topic with its replicas' data; the same name then gets a new topicId", async () => {
    const name = topicName();
    const first = await created(name, 2);
    await replica(first.topicId, 0).produce(
      produceRequest({
        acks: "all",
        producer: null,
        format: "json",
        records: [{ key: null, value: new Uint8Array([49]), headers: [], timestamp: null }],
      }),
    );
    expect(await catalog().deleteTopic(name)).toEqual({ ok: true, topicId: first.topicId });
    expect(await catalog().lookup(name)).toMatchObject({ ok: false, error: { code: "UNKNOWN_TOPIC_OR_PARTITION" } });
    expect(await controllerStub(env, first.topicId).metadata()).toMatchObject({ ok: false });
    expect(await replica(first.topicId, 0).describe()).toMatchObject({
      ok: false,
      error: { code: "UNKNOWN_TOPIC_OR_PARTITION" },
    });
    const second = await created(name, 1);
    expect(second.topicId).not.toBe(first.topicId);
    expect(await replica(second.topicId, 0).describe()).toMatchObject({ ok: true, highWatermark: 0 });
  });
});

describe("a single-replica partition", () => {
  it("goes offline while its only replica is down and leads again once it is back", async () => {
    const metadata = await created(topicName(), 1);
    const controller = controllerStub(env, metadata.topicId);
    const only = replica(metadata.topicId, 0);
    await only.injectFault("crash");
    const down = await controller.reportUnreachable({ partition: 0, replica: 0, leaderEpoch: 0 });
    expect(down).toMatchObject({ ok: true, state: { leader: -1, isr: [0] } });
    const alarmAtMs = await runInDurableObject(controller, (_, state) => state.storage.getAlarm());
    expect(alarmAtMs, "the liveness alarm watches an offline partition").not.toBeNull();
    // Still down: the alarm finds no leader, and keeps watching.
    await runDurableObjectAlarm(controller);
    expect((await controller.metadata()).ok && (await controller.metadata())).toMatchObject({
      metadata: { partitions: [{ leader: -1 }] },
    });
    await only.injectFault("heal");
    expect(await runDurableObjectAlarm(controller)).toBe(true);
    const back = await controller.metadata();
    expect(back).toMatchObject({ ok: true, metadata: { partitions: [{ leader: 0, isr: [0] }] } });
    const epoch = back.ok ? back.metadata.partitions[0]!.leaderEpoch : -1;
    expect(epoch).toBeGreaterThan(1);
    expect(await only.describe()).toMatchObject({ ok: true, role: "leader", leaderEpoch: epoch });
    expect(
      await only.produce(produceRequest({ acks: "1", producer: null, format: "json", records: [jsonRecord("x")] })),
    ).toMatchObject({ ok: true, baseOffset: 0 });
  });
});

describe("a replica that misses its assignment", () => {
  it("gets a config change once it is back, from the liveness alarm, without the change being made again", async () => {
    const name = topicName();
    const metadata = await created(name, 1);
    const controller = controllerStub(env, metadata.topicId);
    const only = replica(metadata.topicId, 0);
    await only.injectFault("crash");
    expect(await catalog().alterConfig(name, { retentionMs: 3_600_000 })).toMatchObject({
      ok: false,
      error: { code: "REQUEST_TIMED_OUT" },
    });
    await only.injectFault("heal");
    const configOf = () =>
      runInDurableObject(only, (instance) => (instance as unknown as ReplicaRoles).roles.current?.config);
    expect(await configOf()).toMatchObject({ retentionMs: DEFAULT_TOPIC_CONFIG.retentionMs });
    expect(await runDurableObjectAlarm(controller), "the alarm is armed for the missed replica").toBe(true);
    expect(await configOf()).toMatchObject({ retentionMs: 3_600_000 });
    expect(await controller.metadata()).toMatchObject({ ok: true, metadata: { config: { retentionMs: 3_600_000 } } });
  });
});

interface ReplicaRoles {
  roles: { current: { config: { retentionMs: number } } | null };
}

// Idempotent produce in the partition replica: retried batches are acknowledged with
// their original offsets and never appended twice, across restarts and failovers.

import { abortAllDurableObjects } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { controllerStub } from "../../src/controller/controller-stub.js";
import type { ProducerBatch } from "../../src/partition/producer-state.js";
import { DEFAULT_TOPIC_CONFIG } from "../../src/protocol/topic.js";
import { jsonRecord, leaderReplica, produceRequest, reopen } from "./replica-helpers.js";

type Stub = Awaited<ReturnType<typeof leaderReplica>>["stub"];
const send = (stub: Stub, producer: ProducerBatch | null, values: unknown[]) =>
  stub.produce(produceRequest({ acks: "all", producer, format: "json", records: values.map((v) => jsonRecord(v)) }));
const P = 7_001;

describe("idempotent produce", () => {
  it("acknowledges a retried batch with its original offsets and appends it once", async () => {
    const { stub } = await leaderReplica();
    expect(await send(stub, { producerId: P, producerEpoch: 0, baseSequence: 0 }, ["a", "b"])).toMatchObject({
      ok: true,
      baseOffset: 0,
      lastOffset: 1,
    });
    await send(stub, null, ["other"]);
    expect(await send(stub, { producerId: P, producerEpoch: 0, baseSequence: 2 }, ["c"])).toMatchObject({
      baseOffset: 3,
    });
    // Both retried: same offsets, nothing appended.
    expect(await send(stub, { producerId: P, producerEpoch: 0, baseSequence: 0 }, ["a", "b"])).toMatchObject({
      ok: true,
      baseOffset: 0,
      lastOffset: 1,
      rowsWritten: 0,
    });
    expect(await send(stub, { producerId: P, producerEpoch: 0, baseSequence: 2 }, ["c"])).toMatchObject({
      baseOffset: 3,
    });
    expect(await stub.describe()).toMatchObject({ ok: true, logEndOffset: 4 });
  });

  it("refuses a sequence gap and a fenced epoch; a new epoch starts at 0", async () => {
    const { stub } = await leaderReplica();
    await send(stub, { producerId: P, producerEpoch: 0, baseSequence: 0 }, ["a"]);
    expect(await send(stub, { producerId: P, producerEpoch: 0, baseSequence: 5 }, ["gap"])).toMatchObject({
      ok: false,
      error: { code: "OUT_OF_ORDER_SEQUENCE_NUMBER", details: { expectedSequence: 1 } },
    });
    expect(await send(stub, { producerId: P + 1, producerEpoch: 0, baseSequence: 3 }, ["new"])).toMatchObject({
      ok: false,
      error: { code: "OUT_OF_ORDER_SEQUENCE_NUMBER" },
    });
    expect(await send(stub, { producerId: P, producerEpoch: 1, baseSequence: 0 }, ["b"])).toMatchObject({ ok: true });
    expect(await send(stub, { producerId: P, producerEpoch: 0, baseSequence: 1 }, ["zombie"])).toMatchObject({
      ok: false,
      error: { code: "INVALID_PRODUCER_EPOCH" },
    });
    expect(await stub.describe()).toMatchObject({ ok: true, logEndOffset: 2 });
  });

  it("remembers producers across a restart of the object", async () => {
    const { stub, topicId } = await leaderReplica();
    await send(stub, { producerId: P, producerEpoch: 0, baseSequence: 0 }, ["a"]);
    await abortAllDurableObjects();
    const restarted = reopen(topicId);
    expect(await send(restarted, { producerId: P, producerEpoch: 0, baseSequence: 0 }, ["a"])).toMatchObject({
      ok: true,
      baseOffset: 0,
      rowsWritten: 0,
    });
    expect(await restarted.describe()).toMatchObject({ ok: true, logEndOffset: 1 });
  });

  it("keeps producer state across a failover: the new leader rebuilt it from the log", async () => {
    const catalog = env.CATALOG.get(env.CATALOG.idFromName("catalog"));
    const created = await catalog.createTopic(`idem-${crypto.randomUUID().slice(0, 8)}`, 1, {
      ...DEFAULT_TOPIC_CONFIG,
      replicationFactor: 3,
      minInsyncReplicas: 2,
    });
    if (!created.ok) throw new Error(created.error.message);
    const { topicId } = created.metadata;
    const replica = (r: number) => env.REPLICA.get(env.REPLICA.idFromName(`${topicId}/0/${r}`));
    const batch = { producerId: P, producerEpoch: 0, baseSequence: 0 };
    expect(await send(replica(0), batch, ["x", "y"])).toMatchObject({ ok: true, baseOffset: 0 });
    await replica(0).injectFault("crash");
    const elected = await controllerStub(env, topicId).reportUnreachable({ partition: 0, replica: 0, leaderEpoch: 0 });
    expect(elected).toMatchObject({ ok: true, state: { leader: 1 } });
    expect(await send(replica(1), batch, ["x", "y"])).toMatchObject({ ok: true, baseOffset: 0, rowsWritten: 0 });
    expect(await send(replica(1), { ...batch, baseSequence: 2 }, ["z"])).toMatchObject({ ok: true, baseOffset: 2 });
  });
});

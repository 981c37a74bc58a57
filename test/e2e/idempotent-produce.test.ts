// Idempotent produce over HTTP: POST /v1/producers, then per-partition batches with
// producerId, producerEpoch and baseSequence.

import { describe, expect, it } from "vitest";
import { call, createTopic, fetchAll, uniqueTopic } from "./http.js";

const batch = (producerId: number, producerEpoch: number, baseSequence: number, values: unknown[]) => ({
  producerId,
  producerEpoch,
  baseSequence,
  records: values.map((value) => ({ value })),
});

describe("idempotent producer", () => {
  it("gets a producerId, and a retried batch lands once with its original offsets", async () => {
    const topic = uniqueTopic("idem");
    await createTopic(topic, 2);
    const init = await call("POST", "/v1/producers", {});
    expect(init.status).toBe(201);
    const { producerId, producerEpoch } = init.body;
    expect(producerId).toBeGreaterThan(0);
    expect(producerEpoch).toBe(0);
    const route = `/v1/topics/${topic}/partitions/1/records`;
    const first = await call("POST", route, batch(producerId, 0, 0, ["a", "b"]));
    expect(first.body).toEqual({
      results: [
        { partition: 1, offset: 0 },
        { partition: 1, offset: 1 },
      ],
    });
    const retried = await call("POST", route, batch(producerId, 0, 0, ["a", "b"]));
    expect(retried.body).toEqual(first.body);
    expect((await call("POST", route, batch(producerId, 0, 2, ["c"]))).body.results).toEqual([
      { partition: 1, offset: 2 },
    ]);
    const gap = await call("POST", route, batch(producerId, 0, 9, ["gap"]));
    expect(gap.status).toBe(409);
    expect(gap.body.error).toMatchObject({
      code: "OUT_OF_ORDER_SEQUENCE_NUMBER",
      retriable: false,
      expectedSequence: 3,
    });
    expect((await fetchAll<{ value: string }>(topic, 1)).map((r) => r.value)).toEqual(["a", "b", "c"]);
  });

  it("fences an older instance once the producer's epoch is bumped", async () => {
    const topic = uniqueTopic("idem-fence");
    await createTopic(topic, 1);
    const { producerId } = (await call("POST", "/v1/producers")).body;
    const route = `/v1/topics/${topic}/partitions/0/records`;
    await call("POST", route, batch(producerId, 0, 0, ["old"]));
    const bumped = await call("POST", "/v1/producers", { producerId, producerEpoch: 0 });
    expect(bumped.body).toEqual({ producerId, producerEpoch: 1 });
    expect((await call("POST", route, batch(producerId, 1, 0, ["new"]))).status).toBe(200);
    const zombie = await call("POST", route, batch(producerId, 0, 1, ["zombie"]));
    expect(zombie.status).toBe(409);
    expect(zombie.body.error.code).toBe("INVALID_PRODUCER_EPOCH");
    expect((await call("POST", "/v1/producers", { producerId, producerEpoch: 0 })).body.error.code).toBe(
      "INVALID_PRODUCER_EPOCH",
    );
    expect((await fetchAll<{ value: string }>(topic, 0)).map((r) => r.value)).toEqual(["old", "new"]);
  });

  it("refuses incomplete or misplaced producer fields and changes nothing", async () => {
    const topic = uniqueTopic("idem-bad");
    await createTopic(topic, 1);
    const partial = await call("POST", `/v1/topics/${topic}/partitions/0/records`, {
      producerId: 5,
      records: [{ value: 1 }],
    });
    expect(partial.status).toBe(400);
    expect(partial.body.error.code).toBe("INVALID_REQUEST");
    const onTopicRoute = await call("POST", `/v1/topics/${topic}/records`, batch(5, 0, 0, [1]));
    expect(onTopicRoute.status).toBe(400);
    expect((await call("POST", "/v1/producers", { producerId: 5 })).status).toBe(400);
    expect(await fetchAll(topic, 0)).toEqual([]);
  });

  it("refuses a producerId that was never issued, with nothing appended, with any acks", async () => {
    const topic = uniqueTopic("idem-forged-id");
    await createTopic(topic, 1);
    const route = `/v1/topics/${topic}/partitions/0/records`;
    for (const acks of ["", "?acks=1", "?acks=0"]) {
      const forged = await call("POST", `${route}${acks}`, batch(123_456_789, 7, 0, ["forged"]));
      expect(forged.status, acks).toBe(409);
      expect(forged.body.error).toMatchObject({ code: "UNKNOWN_PRODUCER_ID", retriable: false });
    }
    const bump = await call("POST", "/v1/producers", { producerId: 424242, producerEpoch: 0 });
    expect(bump.status).toBe(409);
    expect(bump.body.error.code).toBe("UNKNOWN_PRODUCER_ID");
    expect(await highWatermark(topic)).toBe(0);
  });

  it("refuses an epoch above the issued one, which then cannot lock the real producer out", async () => {
    const topic = uniqueTopic("idem-forged-epoch");
    await createTopic(topic, 1);
    const { producerId } = (await call("POST", "/v1/producers")).body;
    const route = `/v1/topics/${topic}/partitions/0/records`;
    expect((await call("POST", route, batch(producerId, 0, 0, ["a"]))).status).toBe(200);
    const forged = await call("POST", route, batch(producerId, 7, 0, ["forged"]));
    expect(forged.status).toBe(409);
    expect(forged.body.error).toMatchObject({ code: "INVALID_PRODUCER_EPOCH", retriable: false });
    expect(await highWatermark(topic)).toBe(1);
    // Still epoch 0 at the partition: the real producer goes on, and a bump recovers it.
    expect((await call("POST", route, batch(producerId, 0, 1, ["b"]))).status).toBe(200);
    const bumped = await call("POST", "/v1/producers", { producerId, producerEpoch: 0 });
    expect(bumped.body).toEqual({ producerId, producerEpoch: 1 });
    expect((await call("POST", route, batch(producerId, 2, 0, ["forged again"]))).body.error.code).toBe(
      "INVALID_PRODUCER_EPOCH",
    );
    expect((await call("POST", route, batch(producerId, 1, 0, ["c"]))).status).toBe(200);
    expect((await fetchAll<{ value: string }>(topic, 0)).map((r) => r.value)).toEqual(["a", "b", "c"]);
  });
});

async function highWatermark(topic: string): Promise<number> {
  const described = await call("GET", `/v1/topics/${topic}`);
  return described.body.partitions[0].highWatermark;
}

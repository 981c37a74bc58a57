// Failover and follower fetch through the router, on a wrangler dev with fault
// injection on: a produce to a crashed leader is retried on the newly elected one, and
// a followerFetch topic is read from the in-sync replica nearest the caller.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../../scripts/wrangler-dev.mjs";
import { call, createTopic, fetchRecords, produce, uniqueTopic } from "./http.js";
import { startOwnCluster } from "./own-cluster.js";

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startOwnCluster("failover", {
    EDGELOG_AUTH: "off",
    EDGELOG_FAULTS: "1",
    EDGELOG_LIMITS: JSON.stringify({ ackTimeoutMs: 2_000, peerTimeoutMs: 600, livenessIntervalMs: 500 }),
  });
});

afterAll(async () => {
  await cluster?.stop();
});

const fault = (topic: string, replica: number, kind: string) =>
  call("POST", "/v1/_faults", { topic, partition: 0, replica, fault: kind }, {}, cluster.url);

describe("failover through the router", () => {
  it("retries a produce on the new leader after the old one crashed, losing nothing acknowledged", async () => {
    const topic = uniqueTopic("failover");
    await createTopic(topic, 1, { replicationFactor: 3, minInsyncReplicas: 2 }, cluster.url);
    expect((await produce(topic, [{ value: "before" }], "", cluster.url)).status).toBe(200);
    expect((await fault(topic, 0, "crash")).status).toBe(200);
    const after = await produce(topic, [{ value: "after" }], "", cluster.url);
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    expect(after.body.results).toEqual([{ partition: 0, offset: 1 }]);
    const described = (await call("GET", `/v1/topics/${topic}`, undefined, {}, cluster.url)).body;
    expect(described.partitions[0]).toMatchObject({ leader: 1, leaderEpoch: 1, isr: [1, 2] });
    expect(described.counters.elections).toBe(1);
    const read = await fetchRecords(topic, 0, "offset=0", cluster.url);
    expect(read.body.records.map((r: { value: string }) => r.value)).toEqual(["before", "after"]);
  });

  it("serves a followerFetch topic from the in-sync replica nearest the caller", async () => {
    const topic = uniqueTopic("nearest");
    await createTopic(
      topic,
      1,
      { replicationFactor: 3, minInsyncReplicas: 2, followerFetch: true, placement: ["weur", "enam", "apac"] },
      cluster.url,
    );
    // Two writes: followers learn the highWatermark of the first from the second push.
    await produce(topic, [{ value: 1 }], "", cluster.url);
    await produce(topic, [{ value: 2 }], "", cluster.url);
    const near = async (region: string) =>
      call(
        "GET",
        `/v1/topics/${topic}/partitions/0/records?offset=0`,
        undefined,
        { "x-edgelog-region": region },
        cluster.url,
      );
    const fromApac = await near("apac");
    expect(fromApac.headers["x-edgelog-replica"]).toBe("2");
    expect(fromApac.body.records.length).toBeGreaterThanOrEqual(1);
    expect((await near("enam")).headers["x-edgelog-replica"]).toBe("1");
    expect((await near("EU")).headers["x-edgelog-replica"]).toBe("0");
    expect((await near("AS")).headers["x-edgelog-replica"]).toBe("2");
  });
});

describe("fault injection", () => {
  it("makes a deployment that carries EDGELOG_FAULTS=1 refuse to serve off loopback", async () => {
    const reply = await call("GET", "/v1/health", undefined, { host: "edgelog.example.workers.dev" }, cluster.url);
    expect(reply.status).toBe(500);
    expect(reply.body.error.message).toContain("EDGELOG_FAULTS");
    expect((await call("GET", "/v1/health", undefined, {}, cluster.url)).status).toBe(200);
  });

  it("does not exist without EDGELOG_FAULTS=1", async () => {
    const reply = await call("POST", "/v1/_faults", { topic: "x", partition: 0, replica: 0, fault: "crash" });
    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe("NOT_FOUND");
    expect((await call("GET", "/v1/_faults/log?topic=x&partition=0&replica=0")).status).toBe(404);
  });
});

// With auth on, a producerId belongs to the principal that obtained it: no other token
// (nor the root token, a principal of its own) can produce with it or bump it.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../../scripts/wrangler-dev.mjs";
import { call } from "./http.js";
import { startOwnCluster } from "./own-cluster.js";

const ROOT = "root-secret-for-producer-ids";
const TOPIC = "orders";
const ROUTE = `/v1/topics/${TOPIC}/partitions/0/records`;
let cluster: Cluster;
let tokenA: Record<string, string>;
let tokenB: Record<string, string>;
const root = { authorization: `Bearer ${ROOT}` };

const api = (path: string, body: unknown, headers: Record<string, string>) =>
  call("POST", path, body, headers, cluster.url);
const batch = (producerId: number, producerEpoch: number, baseSequence: number, value: string) => ({
  producerId,
  producerEpoch,
  baseSequence,
  records: [{ value }],
});

async function bearer(name: string): Promise<Record<string, string>> {
  const reply = await api("/v1/tokens", { name, scopes: [`produce:${TOPIC}`] }, root);
  if (reply.status !== 201) throw new Error(JSON.stringify(reply.body));
  return { authorization: `Bearer ${reply.body.token}` };
}

async function newProducer(headers: Record<string, string>): Promise<number> {
  const reply = await api("/v1/producers", {}, headers);
  expect(reply.status).toBe(201);
  return reply.body.producerId;
}

async function highWatermark(): Promise<number> {
  const described = await call("GET", `/v1/topics/${TOPIC}`, undefined, root, cluster.url);
  return described.body.partitions[0].highWatermark;
}

beforeAll(async () => {
  cluster = await startOwnCluster("producer-ids", { EDGELOG_ADMIN_TOKEN: ROOT });
  expect((await api("/v1/topics", { name: TOPIC, partitions: 1 }, root)).status).toBe(201);
  tokenA = await bearer("a");
  tokenB = await bearer("b");
});

afterAll(async () => {
  await cluster?.stop();
});

describe("producerIds bound to their token", () => {
  it("refuses another token's and the root token's produce with a producerId, appending nothing", async () => {
    const producerId = await newProducer(tokenA);
    expect((await api(ROUTE, batch(producerId, 0, 0, "a0"), tokenA)).status).toBe(200);
    const before = await highWatermark();
    for (const [who, headers] of [
      ["token B", tokenB],
      ["root", root],
    ] as const) {
      const stolen = await api(ROUTE, batch(producerId, 0, 1, `by ${who}`), headers);
      expect(stolen.status, who).toBe(409);
      expect(stolen.body.error.code, who).toBe("UNKNOWN_PRODUCER_ID");
    }
    const forged = await api(ROUTE, batch(987_654_321, 0, 0, "forged"), tokenB);
    expect(forged.body.error.code).toBe("UNKNOWN_PRODUCER_ID");
    expect(await highWatermark()).toBe(before);
    expect((await api(ROUTE, batch(producerId, 0, 1, "a1"), tokenA)).status).toBe(200);
  });

  it("refuses another token's bump, so it cannot fence the owner, who can still bump", async () => {
    const producerId = await newProducer(tokenA);
    expect((await api(ROUTE, batch(producerId, 0, 0, "a0"), tokenA)).status).toBe(200);
    const fence = await api("/v1/producers", { producerId, producerEpoch: 0 }, tokenB);
    expect(fence.status).toBe(409);
    expect(fence.body.error.code).toBe("UNKNOWN_PRODUCER_ID");
    // Still epoch 0: A is not fenced, and its own bump gives epoch 1.
    expect((await api(ROUTE, batch(producerId, 0, 1, "a1"), tokenA)).status).toBe(200);
    const bumped = await api("/v1/producers", { producerId, producerEpoch: 0 }, tokenA);
    expect(bumped.body).toEqual({ producerId, producerEpoch: 1 });
    expect((await api(ROUTE, batch(producerId, 1, 0, "a2"), tokenA)).status).toBe(200);
  });

  it("binds the root token's producerIds to the root token", async () => {
    const producerId = await newProducer(root);
    expect((await api(ROUTE, batch(producerId, 0, 0, "root"), root)).status).toBe(200);
    const stolen = await api(ROUTE, batch(producerId, 0, 1, "by A"), tokenA);
    expect(stolen.body.error.code).toBe("UNKNOWN_PRODUCER_ID");
    expect((await api("/v1/producers", { producerId, producerEpoch: 0 }, tokenA)).body.error.code).toBe(
      "UNKNOWN_PRODUCER_ID",
    );
  });
});

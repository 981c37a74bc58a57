// A Durable Stream is a topic: its appends are records a consumer group reads, records
// produced to the topic reach stream readers, and the route table's scopes hold on
// /v1/stream/ as on the topic's own routes.

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../../scripts/wrangler-dev.mjs";
import { GroupMember } from "./group-client.js";
import { call, produce } from "./http.js";
import { startOwnCluster } from "./own-cluster.js";

const json = { "content-type": "application/json" };

it("is a topic of one partition that a consumer group reads, append by append", async () => {
  const id = randomUUID().slice(0, 8);
  const path = `/v1/stream/orders/${id}`;
  const topic = `ds.orders_2f${id}`;
  expect((await call("PUT", path, [{ n: 1 }, { n: 2 }], json)).status).toBe(201);
  expect((await call("POST", path, { n: 3 }, json)).status).toBe(204);

  const described = await call("GET", `/v1/topics/${topic}`);
  expect(described.status, JSON.stringify(described.body)).toBe(200);
  expect(described.body.partitions).toHaveLength(1);
  expect(described.body.config.retentionMs).toBe(-1);

  const member = await GroupMember.join(`streams-${id}`, [topic]);
  const fetched = await member.fetch({ autoOffsetReset: "earliest" });
  expect(fetched.status, JSON.stringify(fetched.body)).toBe(200);
  const records = fetched.body.records as { offset: number; value: unknown }[];
  expect(records.map((r) => [r.offset, r.value])).toEqual([
    [0, [{ n: 1 }, { n: 2 }]],
    [1, [{ n: 3 }]],
  ]);
  await member.leave();

  // The other way: a record produced to the topic is the stream's next message.
  expect((await produce(topic, [{ value: { n: 4 } }])).status).toBe(200);
  const read = await call("GET", `${path}?offset=-1`);
  expect(read.status).toBe(200);
  expect(read.body).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
  expect(read.headers["stream-next-offset"]).toBe("0000000000000003");
  console.log(`stream ${path} = topic ${topic}: ${records.length} records read by a group, 1 produced back`);
});

it("gives a JSON stream's numbers back as they were written, past 2^53 and in every form", async () => {
  const path = `/v1/stream/numbers/${randomUUID().slice(0, 8)}`;
  expect((await call("PUT", path, "[]", json)).status).toBe(201);
  expect((await call("POST", path, '{"id":12345678901234567890,"price":1.50}', json)).status).toBe(204);
  expect((await call("POST", path, "[1e400,-0,9007199254740993]", json)).status).toBe(204);
  const read = await call("GET", `${path}?offset=-1`);
  expect(read.status).toBe(200);
  expect(read.text).toBe('[{"id":12345678901234567890,"price":1.50},1e400,-0,9007199254740993]');
});

it("refuses a fork, and a stream over a topic made through the Kafka-style API", async () => {
  const id = randomUUID().slice(0, 8);
  const fork = await call("PUT", `/v1/stream/fork-${id}`, undefined, { "stream-forked-from": `/v1/stream/src-${id}` });
  expect(fork.status).toBe(400);
  expect(fork.body.error.message).toContain("fork");
  expect((await call("HEAD" as "GET", `/v1/stream/fork-${id}`)).status).toBe(404);

  const taken = await call("POST", "/v1/topics", { name: `ds.kafka-${id}`, partitions: 1 });
  expect(taken.status).toBe(201);
  const over = await call("PUT", `/v1/stream/kafka-${id}`, undefined, { "content-type": "text/plain" });
  expect(over.status).toBe(409);
  expect(over.body.error.code).toBe("TOPIC_ALREADY_EXISTS");
  expect((await call("GET", `/v1/topics/ds.kafka-${id}`)).status).toBe(200);
});

it("is created again by PUT after its topic was deleted through the Kafka-style API", async () => {
  const id = randomUUID().slice(0, 8);
  const text = { "content-type": "text/plain" };
  expect((await call("PUT", `/v1/stream/gone-${id}`, "old", text)).status).toBe(201);
  expect((await call("DELETE", `/v1/topics/ds.gone-${id}`)).status).toBe(204);
  const again = await call("PUT", `/v1/stream/gone-${id}`, "new", text);
  expect(again.status, JSON.stringify(again.body)).toBe(201);
  expect((await call("POST", `/v1/stream/gone-${id}`, "er", text)).status).toBe(204);
  expect((await call("GET", `/v1/stream/gone-${id}`)).body).toBe("newer");
});

it("creates its topic with the config Edgelog-Topic-Config gives, refusing a bad one", async () => {
  const id = randomUUID().slice(0, 8);
  const config = (value: string) => ({ "content-type": "text/plain", "edgelog-topic-config": value });
  const replicated = await call(
    "PUT",
    `/v1/stream/rf3-${id}`,
    "one",
    config('{"replicationFactor":3,"minInsyncReplicas":2}'),
  );
  expect(replicated.status, JSON.stringify(replicated.body)).toBe(201);
  const topic = await call("GET", `/v1/topics/ds.rf3-${id}`);
  expect(topic.body.config).toMatchObject({ replicationFactor: 3, minInsyncReplicas: 2, retentionMs: -1 });
  expect(topic.body.partitions[0].replicas).toHaveLength(3);
  expect((await call("POST", `/v1/stream/rf3-${id}`, "two", { "content-type": "text/plain" })).status).toBe(204);
  expect((await call("GET", `/v1/stream/rf3-${id}`)).body).toBe("onetwo");

  for (const [bad, code] of [
    ['{"replicationFactor":9}', "INVALID_REPLICATION_FACTOR"],
    ['{"partitions":2}', "INVALID_REQUEST"],
    ['{"cleanupPolicy":"compact"}', "INVALID_CONFIG"],
    ["{not json", "INVALID_REQUEST"],
  ] as const) {
    const refused = await call("PUT", `/v1/stream/bad-${id}`, undefined, config(bad));
    expect(refused.status, bad).toBe(400);
    expect(refused.body.error.code, bad).toBe(code);
  }
  expect((await call("HEAD" as "GET", `/v1/stream/bad-${id}`)).status).toBe(404);
});

it("answers a long-poll at a closed stream's end at once, from -1 too", async () => {
  const path = `/v1/stream/closed-${randomUUID().slice(0, 8)}`;
  const created = await call("PUT", path, undefined, { "content-type": "text/plain", "stream-closed": "true" });
  expect(created.status).toBe(201);
  for (const offset of ["-1", "0000000000000000", "now"]) {
    const started = performance.now();
    const reply = await call("GET", `${path}?offset=${offset}&live=long-poll`);
    const elapsedMs = performance.now() - started;
    expect(reply.status, offset).toBe(204);
    expect(reply.headers["stream-closed"], offset).toBe("true");
    expect(elapsedMs, offset).toBeLessThan(2_000);
  }
});

describe("with auth on", () => {
  const ROOT = "streams-root-secret";
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startOwnCluster("streams-auth", { EDGELOG_ADMIN_TOKEN: ROOT });
  });
  afterAll(async () => await cluster?.stop());

  const as = (token: string | null, extra: Record<string, string> = {}) => ({
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...extra,
  });

  async function token(scopes: string[]): Promise<string> {
    const made = await call("POST", "/v1/tokens", { name: "streams", scopes }, as(ROOT), cluster.url);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return made.body.token;
  }

  it("asks consume:<topic> to read, produce:<topic> to append and admin to create or delete", async () => {
    const path = "/v1/stream/audit/log";
    const topic = "ds.audit_2flog";
    const text = { "content-type": "text/plain" };
    const reader = await token([`consume:${topic}`]);
    const writer = await token([`produce:${topic}`]);
    const other = await token(["consume:ds.other", "produce:ds.other"]);
    const send = (method: "GET" | "POST" | "PUT" | "DELETE", who: string | null, body?: string) =>
      call(method, path, body, as(who, text), cluster.url);

    expect((await send("PUT", null)).status).toBe(401);
    expect((await send("PUT", writer)).status).toBe(403);
    expect((await send("PUT", ROOT, "first")).status).toBe(201);
    expect((await send("POST", reader, "x")).status).toBe(403);
    expect((await send("POST", other, "x")).status).toBe(403);
    expect((await send("POST", writer, "second")).status).toBe(204);
    expect((await send("GET", writer)).status).toBe(403);
    expect((await send("GET", other)).status).toBe(403);
    const read = await send("GET", reader);
    expect(read.status).toBe(200);
    expect(read.body).toBe("firstsecond");
    expect((await send("DELETE", reader)).status).toBe(403);
    expect((await send("DELETE", ROOT)).status).toBe(204);
    expect((await send("GET", reader)).status).toBe(404);
  });
});

// The SDK's retries: bounded, on retriable errors only, with typed errors carrying
// the server's code. Without idempotence, a retry after a lost answer appends twice:
// the at-least-once that the idempotent producer (sdk-idempotence.test.ts) removes.
// What the server refuses as a record, the SDK refuses before sending, alike.

import { expect, it } from "vitest";
import { EdgelogClientError, EdgelogProtocolError } from "../../src/client/index.js";
import { call, fetchAll, uniqueTopic } from "./http.js";
import { lossyFetch } from "./lossy-fetch.js";
import { client } from "./sdk.js";

it("a producer without idempotence retries lost answers and may append a batch twice", async () => {
  const topic = uniqueTopic("sdk-at-least-once");
  await client().admin().createTopic(topic);
  const lossy = lossyFetch(/\/partitions\/0\/records/, 2);
  const producer = client({ fetch: lossy.fetch, retry: { initialRetryTimeMs: 10 } }).producer({ idempotent: false });
  for (let n = 0; n < 10; n++) await producer.send({ topic, messages: [{ value: n }] });
  await producer.disconnect();
  const values = (await fetchAll<{ value: number }>(topic, 0)).map((r) => r.value);
  expect(new Set(values)).toEqual(new Set(Array.from({ length: 10 }, (_, n) => n)));
  expect(values.length).toBe(10 + lossy.lost);
  expect(lossy.lost).toBeGreaterThan(0);
});

it("retries a retriable failure a bounded number of times, with the error's code", async () => {
  const topic = uniqueTopic("sdk-retries");
  await client().admin().createTopic(topic);
  const lossy = lossyFetch(/\/records/, 1);
  const producer = client({ fetch: lossy.fetch, retry: { retries: 3, initialRetryTimeMs: 10 } }).producer({
    idempotent: false,
  });
  const error = await producer.send({ topic, messages: [{ value: 1 }] }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(EdgelogClientError);
  expect(error).toMatchObject({ code: "NETWORK_EXCEPTION", retriable: true });
  expect(lossy.calls).toBe(4);
  // Every attempt reached the server: the same record, four times.
  expect(await fetchAll(topic, 0)).toHaveLength(4);
});

it("does not retry a non-retriable error, and reports the server's code", async () => {
  let calls = 0;
  const counting = (input: string, init: RequestInit) => {
    calls++;
    return fetch(input, init);
  };
  const edgelog = client({ fetch: counting });
  const missing = await edgelog
    .admin()
    .describeTopic(uniqueTopic("nope"))
    .catch((e: unknown) => e);
  expect(missing).toBeInstanceOf(EdgelogProtocolError);
  expect(missing).toMatchObject({ code: "UNKNOWN_TOPIC_OR_PARTITION", retriable: false, status: 404 });
  expect(calls).toBe(1);

  const topic = uniqueTopic("sdk-errors");
  await edgelog.admin().createTopic(topic);
  const taken = await edgelog
    .admin()
    .createTopic(topic)
    .catch((e: unknown) => e);
  expect(taken).toMatchObject({ code: "TOPIC_ALREADY_EXISTS", retriable: false, status: 409 });
  const tooLarge = await edgelog
    .producer({ idempotent: false })
    .send({ topic, messages: [{ value: "x".repeat(1024 * 1024 + 1) }] })
    .catch((e: unknown) => e);
  expect(tooLarge).toMatchObject({ code: "MESSAGE_TOO_LARGE", retriable: false });
});

it("refuses a key or header UTF-8 cannot hold before sending it, with the server's answer", async () => {
  const topic = uniqueTopic("sdk-lone-surrogate");
  let produceCalls = 0;
  const counting = (input: string, init: RequestInit) => {
    if (input.includes("/records")) produceCalls++;
    return fetch(input, init);
  };
  const edgelog = client({ fetch: counting });
  await edgelog.admin().createTopic(topic);
  const producer = edgelog.producer({ idempotent: false });
  const bad: { key?: string; headers?: Record<string, string> }[] = [
    { key: "\ud800k" },
    { headers: { "\udc00": "v" } },
    { headers: { h: "x\ude00\ud83d" } },
  ];
  for (const message of bad) {
    const fromSdk = await producer.send({ topic, messages: [{ value: 1, ...message }] }).catch((e: unknown) => e);
    const fromServer = await call("POST", `/v1/topics/${topic}/records`, { records: [{ value: 1, ...message }] });
    expect(fromSdk).toBeInstanceOf(EdgelogProtocolError);
    expect(fromSdk).toMatchObject({ code: "INVALID_RECORD", retriable: false, status: 400 });
    expect(fromServer.body.error).toMatchObject({ code: "INVALID_RECORD", retriable: false });
    expect(fromServer.status).toBe(400);
    expect((fromSdk as Error).message.replace("messages[0]", "records[0]")).toBe(fromServer.body.error.message);
  }
  await producer.disconnect();
  // The SDK sent none of them.
  expect(produceCalls).toBe(0);
  expect(await fetchAll(topic, 0)).toEqual([]);
});

// The binary batch routes (docs/PROTOCOL.md, "Binary batches") through the real app in
// workerd, auth on: a binary produce is stored as it came and reads back byte for byte in
// JSON and in binary; a bad frame is refused with its code and changes nothing; the media
// types are negotiated; the token scopes apply as on the JSON routes.

import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BATCH_MEDIA_TYPE } from "../../src/protocol/batch-frame.js";
import { frameRecords, readFetchFrame } from "../../src/protocol/fetch-frame.js";
import { encodeBatch, type ProduceRecord } from "../../src/protocol/record-codec.js";
import { app } from "../../src/router/app.js";

const ROOT = "root-secret-for-batch-tests";
const authOn = { ...env, EDGELOG_AUTH: "on", EDGELOG_ADMIN_TOKEN: ROOT };
const utf8 = new TextEncoder();
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

async function call(
  method: string,
  path: string,
  body?: BodyInit,
  headers: Record<string, string> = {},
  token = ROOT,
): Promise<Response> {
  const init = { method, body, headers: { authorization: `Bearer ${token}`, ...headers } };
  const context = createExecutionContext();
  const reply = await app.request(`http://127.0.0.1${path}`, init, authOn, context);
  await waitOnExecutionContext(context);
  return reply;
}

const json = (body: unknown) => JSON.stringify(body);
const asJson = { "content-type": "application/json" };
const asBatch = { "content-type": BATCH_MEDIA_TYPE };

async function newTopic(partitions = 1): Promise<string> {
  const name = `batch-${crypto.randomUUID().slice(0, 8)}`;
  const reply = await call("POST", "/v1/topics", json({ name, partitions }), asJson);
  expect(reply.status).toBe(201);
  return name;
}

async function tokenWith(scopes: string[]): Promise<string> {
  const reply = await call("POST", "/v1/tokens", json({ name: "batch", scopes }), asJson);
  expect(reply.status).toBe(201);
  return ((await reply.json()) as { token: string }).token;
}

async function latest(topic: string): Promise<number> {
  const reply = await call("GET", `/v1/topics/${topic}/partitions/0/offsets?at=latest`);
  return ((await reply.json()) as { offset: number }).offset;
}

const BYTES = Uint8Array.of(0, 1, 2, 254, 255);
const RECORDS: ProduceRecord[] = [
  { key: utf8.encode("k0"), value: BYTES, headers: [[utf8.encode("h"), utf8.encode("v")]], timestamp: 1_000 },
  { key: null, value: null, headers: [], timestamp: null },
];

describe("binary produce", () => {
  it("stores the frame as it came: JSON reads it as base64, the binary fetch byte for byte", async () => {
    const topic = await newTopic();
    const path = `/v1/topics/${topic}/partitions/0/records`;
    const produced = await call("POST", path, encodeBatch(RECORDS, "binary"), asBatch);
    expect(produced.status).toBe(200);
    expect(await produced.json()).toEqual({
      results: [
        { partition: 0, offset: 0 },
        { partition: 0, offset: 1 },
      ],
    });

    const asText = (await (await call("GET", `${path}?offset=0`)).json()) as { records: Record<string, unknown>[] };
    expect(asText.records[0]).toMatchObject({ offset: 0, timestamp: 1_000, key: "azA=", value: "AAEC/v8=" });
    expect(asText.records[0]).toMatchObject({ headers: { h: "v" }, encoding: "base64" });
    expect(asText.records[1]).toMatchObject({ offset: 1, key: null, value: null });

    const binary = await call("GET", `${path}?offset=1`, undefined, { accept: BATCH_MEDIA_TYPE });
    expect(binary.headers.get("content-type")).toBe(BATCH_MEDIA_TYPE);
    const [only] = readFetchFrame(new Uint8Array(await binary.arrayBuffer()));
    expect(only).toMatchObject({ topic, partition: 0, ok: true, nextOffset: 2, highWatermark: 2, logStartOffset: 0 });
    if (!only?.ok) throw new Error("no records");
    expect(frameRecords(only).map((r) => [r.offset, r.key, r.value])).toEqual([[1, null, null]]);
    expect(frameRecords(only)[0]!.timestamp).toBeGreaterThan(1_000);

    const many = await call(
      "POST",
      "/v1/fetch",
      json({
        partitions: [
          { topic, partition: 0, offset: 0 },
          { topic: "batch-none", partition: 0, offset: 0 },
        ],
      }),
      { ...asJson, accept: `application/json, ${BATCH_MEDIA_TYPE}` },
    );
    const [records, missing] = readFetchFrame(new Uint8Array(await many.arrayBuffer()));
    if (!records?.ok) throw new Error("no records");
    expect(frameRecords(records).map((r) => [r.offset, text(r.key), r.value && [...r.value]])).toEqual([
      [0, "k0", [...BYTES]],
      [1, null, null],
    ]);
    expect(frameRecords(records)[0]!.headers.map(([n, v]) => [text(n), text(v)])).toEqual([["h", "v"]]);
    expect(missing).toMatchObject({ topic: "batch-none", ok: false, error: { code: "UNKNOWN_TOPIC_OR_PARTITION" } });
  });

  it("refuses a bad frame with its code and appends nothing", async () => {
    const topic = await newTopic();
    const path = `/v1/topics/${topic}/partitions/0/records`;
    const good = encodeBatch(RECORDS, "binary");
    const cut = good.subarray(0, good.length - 3);
    const huge = encodeBatch([{ key: null, value: new Uint8Array(1_048_577), headers: [], timestamp: null }], "binary");
    const cases: [BodyInit | undefined, string, number][] = [
      [cut, "INVALID_REQUEST", 400],
      [encodeBatch(RECORDS, "json"), "INVALID_REQUEST", 400],
      [undefined, "INVALID_REQUEST", 400],
      [huge, "MESSAGE_TOO_LARGE", 413],
      [encodeBatch([{ ...RECORDS[0]!, headers: [[new Uint8Array(0), BYTES]] }], "binary"), "INVALID_RECORD", 400],
    ];
    for (const [body, code, status] of cases) {
      const reply = await call("POST", path, body, asBatch);
      expect(reply.status, code).toBe(status);
      expect(((await reply.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    const bad = await call("POST", `${path}?producerId=1`, good, asBatch);
    expect(bad.status).toBe(400);
    await bad.body?.cancel();
    expect(await latest(topic)).toBe(0);
  });

  it("answers 415 to a type it does not take, and to a binary batch on the topic's route", async () => {
    const topic = await newTopic();
    const partitionPath = `/v1/topics/${topic}/partitions/0/records`;
    const body = json({ records: [{ value: 1 }] });
    for (const [path, payload, type] of [
      [partitionPath, body, "text/plain"],
      [partitionPath, body, "application/x-www-form-urlencoded"],
      [`/v1/topics/${topic}/records`, encodeBatch(RECORDS, "binary"), BATCH_MEDIA_TYPE],
    ] as const) {
      const reply = await call("POST", path, payload, { "content-type": type });
      expect(reply.status, `${type} on ${path}`).toBe(415);
      expect(((await reply.json()) as { error: { code: string } }).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    }
    for (const type of ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"]) {
      const reply = await call("POST", partitionPath, body, { "content-type": type });
      expect(reply.status, type).toBe(200);
      await reply.body?.cancel();
    }
    expect(await latest(topic)).toBe(3);
  });

  it("asks the scopes of the JSON routes", async () => {
    const topic = await newTopic();
    const path = `/v1/topics/${topic}/partitions/0/records`;
    const reader = await tokenWith([`consume:${topic}`]);
    const writer = await tokenWith([`produce:${topic}`]);
    const frame = encodeBatch(RECORDS, "binary");
    const refused = await call("POST", path, frame, asBatch, reader);
    expect(refused.status).toBe(403);
    await refused.body?.cancel();
    const accepted = await call("POST", path, frame, asBatch, writer);
    expect(accepted.status).toBe(200);
    await accepted.body?.cancel();
    const accept = { accept: BATCH_MEDIA_TYPE };
    const unread = await call("GET", `${path}?offset=0`, undefined, accept, writer);
    expect(unread.status).toBe(403);
    await unread.body?.cancel();
    const read = await call("GET", `${path}?offset=0`, undefined, accept, reader);
    expect(read.status).toBe(200);
    expect(readFetchFrame(new Uint8Array(await read.arrayBuffer()))[0]).toMatchObject({ ok: true, nextOffset: 2 });
  });

  it("carries an idempotent producer's fields in the query: a retried batch is appended once", async () => {
    const topic = await newTopic();
    const issued = await call("POST", "/v1/producers", "{}", asJson);
    const { producerId, producerEpoch } = (await issued.json()) as { producerId: number; producerEpoch: number };
    const path = `/v1/topics/${topic}/partitions/0/records?acks=all&producerId=${producerId}&producerEpoch=${producerEpoch}&baseSequence=0`;
    const frame = encodeBatch(RECORDS, "binary");
    const offsets: unknown[] = [];
    for (let attempt = 0; attempt < 2; attempt++) offsets.push(await (await call("POST", path, frame, asBatch)).json());
    expect(offsets[1]).toEqual(offsets[0]);
    expect(await latest(topic)).toBe(2);
  });
});

// Produce and fetch over HTTP against a real `wrangler dev`: ordering and dense
// offsets per partition, Kafka's keyed partitioning, paging, encodings, headers,
// tombstones, timestamps, ListOffsets and acks.

import { Buffer } from "node:buffer";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { kafkajsPartition } from "../kafkajs-oracle.js";
import { call, createTopic, fetchAll, fetchRecords, produce, uniqueTopic } from "./http.js";
import { expectEveryPath, readEveryPath, recordText } from "./read-paths.js";

interface FetchedRecord {
  offset: number;
  timestamp: number;
  key: string | null;
  value: unknown;
  headers: Record<string, string>;
  encoding?: string;
}

function base64(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString("base64");
}

describe("ordering and offsets", () => {
  it("assigns dense offsets per partition in produce order and answers results in request order", async () => {
    const topic = uniqueTopic("order");
    await createTopic(topic, 3);
    const expected: { key: string; value: unknown }[][] = [[], [], []];
    for (let request = 0; request < 4; request++) {
      const records = Array.from({ length: 7 }, (_, i) => {
        // Explicit partitions in a shuffled order, keys that would hash elsewhere.
        const partition = (request + i * 2) % 3;
        return { partition, key: `key-${request}-${i}`, value: { request, i } };
      });
      const reply = await produce(topic, records);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body.results).toHaveLength(records.length);
      records.forEach((record, i) => {
        const list = expected[record.partition]!;
        expect(reply.body.results[i]).toEqual({ partition: record.partition, offset: list.length });
        list.push({ key: record.key, value: record.value });
      });
    }
    for (let partition = 0; partition < 3; partition++) {
      const records = await fetchAll<FetchedRecord>(topic, partition);
      const list = expected[partition]!;
      expect(records.map((r) => r.offset)).toEqual(list.map((_, i) => i));
      expect(records.map((r) => ({ key: r.key, value: r.value }))).toEqual(list);
    }
  });

  it("routes keyed records to the partition kafkajs' DefaultPartitioner picks", async () => {
    const topic = uniqueTopic("keyed");
    const partitionCount = 7;
    await createTopic(topic, partitionCount);
    const special = [
      "",
      "a",
      "é",
      "ß",
      "日本語",
      "中文キー",
      "한국어",
      "😀",
      "🚀🔥👍🏽",
      "naïve café",
      "\u0000x",
      "\u07ff\u0800\uffff",
    ];
    const keys = [...special, ...Array.from({ length: 300 - special.length }, (_, i) => `user-${i}-ünï-${i * 7919}`)];
    const reply = await produce(
      topic,
      keys.map((key, i) => ({ key, value: i })),
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const expected: string[][] = Array.from({ length: partitionCount }, () => []);
    keys.forEach((key, i) => {
      const partition = kafkajsPartition(key, partitionCount);
      expect(reply.body.results[i].partition, `key ${JSON.stringify(key)}`).toBe(partition);
      expected[partition]!.push(key);
    });
    expect(expected.filter((list) => list.length > 0).length).toBe(partitionCount);
    for (let partition = 0; partition < partitionCount; partition++) {
      const records = await fetchAll<FetchedRecord>(topic, partition);
      expect(records.map((r) => r.key)).toEqual(expected[partition]);
      expect(records.map((r) => r.offset)).toEqual(expected[partition]!.map((_, i) => i));
    }
  });

  it("puts the null-key records of one request on one partition", async () => {
    const topic = uniqueTopic("nullkey");
    await createTopic(topic, 5);
    const counts = [0, 0, 0, 0, 0];
    for (let request = 0; request < 6; request++) {
      const records = Array.from({ length: 12 }, (_, i) =>
        i % 2 === 0 ? { value: { request, i } } : { key: null, value: { request, i } },
      );
      const reply = await produce(topic, records);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      const partitions = new Set<number>(reply.body.results.map((r: { partition: number }) => r.partition));
      expect(partitions.size).toBe(1);
      const [partition] = [...partitions] as [number];
      expect(partition).toBeGreaterThanOrEqual(0);
      expect(partition).toBeLessThan(5);
      expect(reply.body.results.map((r: { offset: number }) => r.offset)).toEqual(
        records.map((_, i) => counts[partition]! + i),
      );
      counts[partition]! += records.length;
    }
    for (let partition = 0; partition < 5; partition++) {
      const records = await fetchAll<FetchedRecord>(topic, partition);
      expect(records).toHaveLength(counts[partition]!);
      for (const record of records) expect(record.key).toBeNull();
    }
  });
});

describe("fetch", () => {
  it("pages with maxRecords and maxBytes, and returns one record larger than maxBytes", async () => {
    const topic = uniqueTopic("paging");
    await createTopic(topic, 1);
    // Each value is 102 bytes once JSON-encoded; no key, no headers.
    const values = Array.from({ length: 10 }, (_, i) => `${i}`.padEnd(100, "x"));
    expect(
      (
        await produce(
          topic,
          values.map((value) => ({ value })),
        )
      ).status,
    ).toBe(200);

    const pages: number[][] = [];
    let offset = 0;
    for (let page = 0; page < 10 && offset < 10; page++) {
      const reply = await fetchRecords(topic, 0, `offset=${offset}&maxRecords=3`);
      expect(reply.status).toBe(200);
      pages.push(reply.body.records.map((r: FetchedRecord) => r.offset));
      expect(reply.body.nextOffset).toBe(offset + reply.body.records.length);
      expect(reply.body.highWatermark).toBe(10);
      offset = reply.body.nextOffset;
    }
    expect(pages).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);

    const byBytes = await fetchRecords(topic, 0, "offset=2&maxBytes=250");
    expect(byBytes.body.records.map((r: FetchedRecord) => r.value)).toEqual(values.slice(2, 4));
    expect(byBytes.body.nextOffset).toBe(4);

    const tiny = await fetchRecords(topic, 0, "offset=5&maxBytes=1");
    expect(tiny.body.records.map((r: FetchedRecord) => r.value)).toEqual([values[5]]);
    expect(tiny.body.nextOffset).toBe(6);

    const big = "b".repeat(20_000);
    expect((await produce(topic, [{ value: big }, { value: "after" }])).status).toBe(200);
    const oversize = await fetchRecords(topic, 0, "offset=10&maxBytes=100");
    expect(oversize.body.records).toHaveLength(1);
    expect(oversize.body.records[0]).toMatchObject({ offset: 10, value: big });
    expect(oversize.body.nextOffset).toBe(11);

    const both = await fetchRecords(topic, 0, "offset=0&maxRecords=100&maxBytes=1048576");
    expect(both.body.records).toHaveLength(12);
    expect(both.body.nextOffset).toBe(12);
  });

  it("resolves offset=earliest and offset=latest", async () => {
    const topic = uniqueTopic("earliest");
    await createTopic(topic, 1);
    const empty = await fetchRecords(topic, 0, "offset=latest");
    expect(empty.body).toEqual({ records: [], nextOffset: 0, highWatermark: 0, logStartOffset: 0 });
    expect(
      (
        await produce(
          topic,
          [1, 2, 3, 4, 5].map((value) => ({ value })),
        )
      ).status,
    ).toBe(200);

    const earliest = await fetchRecords(topic, 0, "offset=earliest");
    expect(earliest.status).toBe(200);
    expect(earliest.body.records.map((r: FetchedRecord) => [r.offset, r.value])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 5],
    ]);
    expect(earliest.body).toMatchObject({ nextOffset: 5, highWatermark: 5, logStartOffset: 0 });

    const latest = await fetchRecords(topic, 0, "offset=latest");
    expect(latest.status).toBe(200);
    expect(latest.body).toEqual({ records: [], nextOffset: 5, highWatermark: 5, logStartOffset: 0 });
  });
});

describe("record contents", () => {
  it("round-trips binary bytes with encoding base64", async () => {
    const topic = uniqueTopic("base64");
    await createTopic(topic, 1);
    const value = Uint8Array.from({ length: 256 }, (_, i) => (i * 167) % 256);
    const key = Uint8Array.from([0xff, 0x00, 0x80, 0xc3, 0x28, 0xfe]);
    const reply = await call("POST", `/v1/topics/${topic}/records`, {
      encoding: "base64",
      records: [
        { key: base64(key), value: base64(value), headers: { kind: "binary" } },
        { key: null, value: base64(new Uint8Array(0)) },
        { key: base64(key), value: null },
      ],
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.results).toEqual([
      { partition: 0, offset: 0 },
      { partition: 0, offset: 1 },
      { partition: 0, offset: 2 },
    ]);

    const asBase64 = await fetchRecords(topic, 0, "offset=0&encoding=base64");
    expect(asBase64.status).toBe(200);
    const [first, second, third] = asBase64.body.records as FetchedRecord[];
    expect(Buffer.from(first!.value as string, "base64")).toEqual(Buffer.from(value));
    expect(Buffer.from(first!.key!, "base64")).toEqual(Buffer.from(key));
    expect(first).toMatchObject({ key: base64(key), value: base64(value), headers: { kind: "binary" } });
    expect(second).toMatchObject({ key: null, value: "" });
    expect(third).toMatchObject({ key: base64(key), value: null });

    const asJson = await fetchRecords(topic, 0, "offset=0");
    expect(asJson.status).toBe(200);
    expect(asJson.body.records.map((r: FetchedRecord) => [r.key, r.value, r.encoding])).toEqual([
      [base64(key), base64(value), "base64"],
      [null, "", "base64"],
      [base64(key), null, "base64"],
    ]);
  });

  it("gives a JSON record fetched with encoding=base64 as base64 of its JSON text", async () => {
    const topic = uniqueTopic("json-b64");
    await createTopic(topic, 1);
    const value = { text: "héllo 日本", list: [1, 2.5, null, true], nested: { a: "b" } };
    expect((await produce(topic, [{ key: "clé", value }])).status).toBe(200);
    const reply = await fetchRecords(topic, 0, "offset=0&encoding=base64");
    expect(reply.status).toBe(200);
    const record = reply.body.records[0] as FetchedRecord;
    expect(record.key).toBe(base64("clé"));
    expect(record.value).toBe(base64(JSON.stringify(value)));
    expect(JSON.parse(Buffer.from(record.value as string, "base64").toString("utf8"))).toEqual(value);
    const asJson = await fetchRecords(topic, 0, "offset=0");
    expect(asJson.body.records[0]).toMatchObject({ key: "clé", value });
    expect(asJson.body.records[0].encoding).toBeUndefined();
  });

  it("round-trips headers, tombstones and explicit timestamps", async () => {
    const topic = uniqueTopic("contents");
    // Kept forever: the explicit timestamps are older than any time retention.
    await createTopic(topic, 1, { retentionMs: -1 });
    const headers = { "content-type": "application/json", "trace-id": "abc-123", ünïcødé: "日本語 😀", empty: "" };
    const explicitTimestamp = 1_600_000_000_123;
    const before = Date.now();
    const reply = await produce(topic, [
      { key: "h", value: { with: "headers" }, headers },
      { key: "gone", value: null },
      { key: "t", value: "timed", timestamp: explicitTimestamp },
      { key: "zero", value: 0, timestamp: 0 },
      { key: "now", value: "now" },
    ]);
    const after = Date.now();
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);

    const records = (await fetchRecords(topic, 0, "offset=0")).body.records as FetchedRecord[];
    expect(records).toHaveLength(5);
    expect(records[0]).toMatchObject({ offset: 0, key: "h", value: { with: "headers" }, headers });
    expect(records[1]).toMatchObject({ offset: 1, key: "gone", value: null, headers: {} });
    expect(records[2]).toMatchObject({ offset: 2, key: "t", value: "timed", timestamp: explicitTimestamp });
    expect(records[3]).toMatchObject({ offset: 3, key: "zero", value: 0, timestamp: 0 });
    // The leader's clock, on the same machine (allow a little skew).
    expect(records[4]!.timestamp).toBeGreaterThanOrEqual(before - 1_000);
    expect(records[4]!.timestamp).toBeLessThanOrEqual(after + 1_000);
  });
});

describe("exact values", () => {
  it("returns each JSON value byte for byte as produced on all four read paths: big integers, -0, 1e400, escapes", async () => {
    const topic = uniqueTopic("exact");
    await createTopic(topic, 1);
    const t0 = Date.now();
    // JSON texts as sent (no insignificant whitespace, strings escaped as JSON.stringify
    // escapes them), and so as stored and read back.
    const values = [
      `{"n":12345678901234567890}`,
      "12345678901234567890",
      "-0",
      "1e400",
      "-1.50E-7",
      `[1.0,0.0000001,9007199254740993,{"deep":[[{"x":-0.0}]]}]`,
      String.raw`"tab\t quote\" back\\ ctl\u0001 lone\ud800 pair😀 \udc00"`,
      String.raw`{"\ud83d":"\ude00","a":{"b":{"c":"}{\"offset\":1,"}}}`,
      // Deep, but inside the bound of the exact parse (1,000 levels, the body's 3 included).
      `${"[".repeat(997)}1.0${"]".repeat(997)}`,
    ];
    const body = `{"records":[${values.map((v, i) => `{"key":"k${i}","value":${v},"timestamp":${t0 + i}}`).join(",")}]}`;
    const reply = await call("POST", `/v1/topics/${topic}/partitions/0/records`, body);
    expect(reply.status, reply.text).toBe(200);
    const records = values.map((v, i) => recordText(i, t0 + i, `k${i}`, v));
    const paths = await readEveryPath(topic, values.length);
    console.log(`exact values: ${values.length} values compared on 4 read paths`);
    expectEveryPath(paths, topic, records);
  });
});

describe("ListOffsets", () => {
  it("answers earliest, latest and the first offset at or after a timestamp", async () => {
    const topic = uniqueTopic("listoffsets");
    // Kept forever: the timestamps below are from 1970, older than any time retention.
    await createTopic(topic, 1, { retentionMs: -1 });
    const at = (q: string) => call("GET", `/v1/topics/${topic}/partitions/0/offsets?at=${q}`);

    expect((await at("earliest")).body.offset).toBe(0);
    expect((await at("latest")).body.offset).toBe(0);
    const none = await at("1000");
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ offset: 0 });

    const timestamps = [1_000, 2_000, 2_000, 5_000, 3_000, 6_000];
    expect(
      (
        await produce(
          topic,
          timestamps.map((timestamp, i) => ({ value: i, timestamp })),
        )
      ).status,
    ).toBe(200);

    expect((await at("earliest")).body.offset).toBe(0);
    expect((await at("latest")).body.offset).toBe(6);
    expect((await at("0")).body).toEqual({ offset: 0, timestamp: 1_000 });
    expect((await at("1000")).body).toEqual({ offset: 0, timestamp: 1_000 });
    expect((await at("1500")).body).toEqual({ offset: 1, timestamp: 2_000 });
    expect((await at("2000")).body).toEqual({ offset: 1, timestamp: 2_000 });
    // First offset whose timestamp is ≥ 2500 is 3 (5000), before the out-of-order 3000.
    expect((await at("2500")).body).toEqual({ offset: 3, timestamp: 5_000 });
    expect((await at("5500")).body).toEqual({ offset: 5, timestamp: 6_000 });
    const past = await at("6001");
    expect(past.status).toBe(200);
    expect(past.body).toEqual({ offset: 6 });
  });
});

describe("acks", () => {
  it("answers acks=0 with 202 {} and still appends the record", async () => {
    const topic = uniqueTopic("acks0");
    await createTopic(topic, 1);
    const reply = await produce(topic, [{ key: "fire", value: "and forget" }], "?acks=0");
    expect(reply.status).toBe(202);
    expect(reply.body).toEqual({});
    let records: FetchedRecord[] = [];
    const deadline = Date.now() + 10_000;
    while (records.length === 0 && Date.now() < deadline) {
      records = (await fetchRecords(topic, 0, "offset=0")).body.records;
      if (records.length === 0) await sleep(50);
    }
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ offset: 0, key: "fire", value: "and forget" });
  });

  it("acknowledges with acks=1, acks=-1 and acks=all", async () => {
    const topic = uniqueTopic("acks");
    await createTopic(topic, 1);
    const queries = ["?acks=1", "?acks=-1", "?acks=all", ""];
    for (const [i, query] of queries.entries()) {
      const reply = await produce(topic, [{ value: query }], query);
      expect(reply.status, `${query}: ${JSON.stringify(reply.body)}`).toBe(200);
      expect(reply.body).toEqual({ results: [{ partition: 0, offset: i }] });
    }
    const records = (await fetchRecords(topic, 0, "offset=0")).body.records as FetchedRecord[];
    expect(records.map((r) => r.value)).toEqual(queries);
  });
});

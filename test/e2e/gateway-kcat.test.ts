// Debian's kcat (librdkafka 2.0.2), a native Kafka client, against the gateway in front
// of a real wrangler dev: metadata, keyed produce (plain, gzip, snappy, lz4, zstd,
// idempotent, headers), and consume from the beginning to the end of every partition.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kcat, startTestGateway, type TestGateway } from "./gateway.js";
import { createTopic, fetchAll, uniqueTopic } from "./http.js";

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway?.close();
});

interface FetchedBase64 {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  timestamp: number;
}

const text = (base64: string | null) => (base64 === null ? null : Buffer.from(base64, "base64").toString());

async function partitionRecords(topic: string, partitions: number): Promise<FetchedBase64[][]> {
  return await Promise.all(
    Array.from({ length: partitions }, (_, p) => fetchAll<FetchedBase64>(topic, p, "&encoding=base64")),
  );
}

describe("kcat through the gateway", () => {
  it("-L lists the topic with the gateway as leader, replica and ISR of every partition", async () => {
    const topic = uniqueTopic("kcat-meta");
    await createTopic(topic, 3);
    const run = await kcat(["-b", gateway.broker, "-L", "-t", topic]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`broker 0 at ${gateway.broker} (controller)`);
    expect(run.stdout).toContain(`topic "${topic}" with 3 partitions:`);
    for (const p of [0, 1, 2]) expect(run.stdout).toContain(`partition ${p}, leader 0, replicas: 0, isrs: 0`);
    const missing = await kcat(["-b", gateway.broker, "-L", "-t", `${topic}-missing`]);
    expect(missing.stdout).toMatch(/Broker: Unknown topic or partition/);
  });

  it("-P keyed lines land as bytes with their keys; -C -o beginning -e reads them all back", async () => {
    const topic = uniqueTopic("kcat-produce");
    await createTopic(topic, 2);
    const lines = Array.from({ length: 50 }, (_, i) => `key-${i % 7}:value ${i} ✓`);
    const before = Date.now();
    const produced = await kcat(["-b", gateway.broker, "-P", "-t", topic, "-K:"], `${lines.join("\n")}\n`);
    expect(produced.code, produced.stderr).toBe(0);
    const stored = await partitionRecords(topic, 2);
    const all = stored.flat();
    expect(all.map((r) => `${text(r.key)}:${text(r.value)}`).sort()).toEqual([...lines].sort());
    // librdkafka sends CreateTime; the gateway keeps it.
    for (const record of all) expect(record.timestamp).toBeGreaterThanOrEqual(before - 1000);
    // One key, one partition, in produce order.
    for (const partition of stored) {
      const byKey = new Map<string, number[]>();
      for (const r of partition)
        byKey.set(text(r.key) ?? "", [...(byKey.get(text(r.key) ?? "") ?? []), Number(text(r.value)?.split(" ")[1])]);
      for (const values of byKey.values()) expect(values).toEqual([...values].sort((a, b) => a - b));
    }
    const consumed = await kcat([
      "-b",
      gateway.broker,
      "-C",
      "-t",
      topic,
      "-o",
      "beginning",
      "-e",
      "-f",
      "%p %o %k:%s\\n",
    ]);
    expect(consumed.code, consumed.stderr).toBe(0);
    const got = consumed.stdout.trim().split("\n");
    expect(got.map((line) => line.split(" ").slice(2).join(" ")).sort()).toEqual([...lines].sort());
    for (const [p, partition] of stored.entries()) {
      const offsets = got.filter((line) => line.startsWith(`${p} `)).map((line) => Number(line.split(" ")[1]));
      expect(offsets).toEqual(partition.map((_, i) => i));
    }
  });

  it("a producer pipelining far past the in-flight bound (16) is read to its end, in order", async () => {
    const topic = uniqueTopic("kcat-pipelined");
    await createTopic(topic, 1);
    // 300 requests of 10 KB each: frames arrive split across reads while the connection
    // is paused at its bound (a stall there once hung librdkafka until its 60 s timeout).
    const lines = Array.from({ length: 3_000 }, (_, i) => `k${i % 10}:${i} ${"x".repeat(1_000)}`);
    const produced = await kcat(
      ["-b", gateway.broker, "-P", "-t", topic, "-p", "0", "-K:", "-X", "batch.num.messages=10", "-X", "linger.ms=0"],
      `${lines.join("\n")}\n`,
      20_000,
    );
    expect(produced.code, produced.stderr).toBe(0);
    const [records = []] = await partitionRecords(topic, 1);
    expect(records.map((r) => `${text(r.key)}:${text(r.value)}`)).toEqual(lines);
  });

  it("produces gzip batches and headers, and idempotently with enable.idempotence=true", async () => {
    const topic = uniqueTopic("kcat-idem");
    await createTopic(topic, 1);
    const lines = Array.from({ length: 200 }, (_, i) => `k${i}:${"x".repeat(100)}${i}`);
    const gzip = await kcat(
      ["-b", gateway.broker, "-P", "-t", topic, "-K:", "-z", "gzip", "-X", "enable.idempotence=true", "-H", "src=kcat"],
      `${lines.join("\n")}\n`,
    );
    expect(gzip.code, gzip.stderr).toBe(0);
    const [records = []] = await partitionRecords(topic, 1);
    expect(records.map((r) => `${text(r.key)}:${text(r.value)}`)).toEqual(lines);
    expect(records.every((r) => r.headers.src === "kcat")).toBe(true);
    const consumed = await kcat(["-b", gateway.broker, "-C", "-t", topic, "-o", "-3", "-e", "-f", "%o %h\\n"]);
    expect(consumed.stdout.trim().split("\n")).toEqual(["197 src=kcat", "198 src=kcat", "199 src=kcat"]);
  });

  it.each(["snappy", "lz4", "zstd", "gzip"])("-z %s: compressed batches are consumed back intact", async (codec) => {
    const topic = uniqueTopic(`kcat-${codec}`);
    await createTopic(topic, 1);
    const lines = Array.from({ length: 300 }, (_, i) => `k${i % 5}:${codec} record ${i} ${"abc".repeat(i % 40)}`);
    // -d msg logs each MessageSet with its codec: the batches really were compressed.
    const produced = await kcat(
      ["-b", gateway.broker, "-P", "-t", topic, "-K:", "-z", codec, "-X", "linger.ms=50", "-d", "msg"],
      `${lines.join("\n")}\n`,
    );
    expect(produced.code, produced.stderr).toBe(0);
    expect(produced.stderr).toMatch(new RegExp(`Produce MessageSet with \\d+ message\\(s\\).*${codec}`));
    const consumed = await kcat(["-b", gateway.broker, "-C", "-t", topic, "-o", "beginning", "-e", "-f", "%k:%s\\n"]);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout.trim().split("\n")).toEqual(lines);
  });
});

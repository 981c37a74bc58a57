// consumer.stream() over forced disconnects: a TCP proxy that cuts every connection
// after a few kilobytes, and a server whose streams end after maxStreamMs. Records are
// produced while the stream reconnects; it must see each offset once, in order.

import { connect, createServer, type Server } from "node:net";
import { afterAll, expect, it } from "vitest";
import { Edgelog } from "../../src/client/index.js";
import { seededRandom } from "../random.js";
import { baseUrl, createTopic, produce, uniqueTopic } from "./http.js";
import { startOwnCluster } from "./own-cluster.js";

const RECORDS = 300;
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

/** Forwards to `target`, cutting each connection once it has carried 2-12 KB back to
 * the client: mid-event, as a failing network would. */
async function startCuttingProxy(target: URL, seed: number): Promise<{ url: string; cuts: () => number }> {
  const random = seededRandom(seed);
  let cuts = 0;
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    const budget = 2048 + random.int(10_240);
    let carried = 0;
    upstream.on("data", (chunk: Buffer) => {
      const room = budget - carried;
      carried += chunk.length;
      if (carried <= budget) return void client.write(chunk);
      cuts++;
      client.end(chunk.subarray(0, Math.max(0, room)), () => client.destroy());
      upstream.destroy();
    });
    client.on("data", (chunk: Buffer) => upstream.write(chunk));
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${port}`, cuts: () => cuts };
}

/** Produces RECORDS values in small batches to `produceUrl` while a stream reads
 * through `tailUrl`; returns the offsets it saw. */
async function tailWhileProducing(tailUrl: string, produceUrl: string, topic: string): Promise<number[]> {
  const edgelog = new Edgelog({ url: tailUrl, retry: { retries: 20, initialRetryTimeMs: 20, maxRetryTimeMs: 200 } });
  const stop = new AbortController();
  const deadline = setTimeout(() => stop.abort(), 40_000);
  const seen: number[] = [];
  const reading = (async () => {
    const stream = edgelog
      .consumer({ groupId: "unused" })
      .stream({ topic, partition: 0, fromOffset: 0, signal: stop.signal });
    for await (const message of stream) {
      expect(message.value).toBe(`v${message.offset}`);
      seen.push(message.offset);
      if (seen.length === RECORDS) stop.abort();
    }
  })();
  for (let i = 0; i < RECORDS; i += 10) {
    await produce(
      topic,
      Array.from({ length: 10 }, (_, j) => ({ value: `v${i + j}` })),
      "",
      produceUrl,
    );
  }
  await reading;
  clearTimeout(deadline);
  return seen;
}

it("resumes through a proxy that cuts every connection mid-event: no gap, no duplicate", async () => {
  const topic = uniqueTopic("tail-cut");
  await createTopic(topic, 1);
  const proxy = await startCuttingProxy(new URL(baseUrl()), 7);
  const seen = await tailWhileProducing(proxy.url, baseUrl(), topic);
  expect(seen).toEqual(Array.from({ length: RECORDS }, (_, i) => i));
  expect(proxy.cuts()).toBeGreaterThan(3);
});

it("reconnects when the server ends each stream after maxStreamMs: no gap, no duplicate", async () => {
  const cluster = await startOwnCluster("tail-lifetime", {
    EDGELOG_AUTH: "off",
    EDGELOG_LIMITS: JSON.stringify({ maxStreamMs: 300 }),
  });
  closers.push(cluster.stop);
  const topic = uniqueTopic("tail-end");
  await createTopic(topic, 1, {}, cluster.url);
  const seen = await tailWhileProducing(cluster.url, cluster.url, topic);
  expect(seen).toEqual(Array.from({ length: RECORDS }, (_, i) => i));
});

// `npm run bench:sdk`: records/s through the SDK producer with its default batching
// against the raw HTTP API, side by side on one local cluster (wrangler dev): 1 KB
// records, one partition, acks=all. The raw side uses undici.request with a keep-alive
// pool (global fetch caps near 3,000 requests/s here); the SDK side is what an
// application does: many concurrent send() calls of one message each (256, then 1,024
// callers), batched by the SDK (lingerMs 5, batchSize 1,000, one batch in flight per partition).
// `--quick` runs each scenario for 3 s instead of 10 s. Prints a table and writes
// JSON to bench/results/.

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { Agent, request } from "undici";
import { startWranglerDev } from "../scripts/wrangler-dev.mjs";

const quick = process.argv.includes("--quick");
const DURATION_MS = quick ? 3_000 : 10_000;
const WARMUP_MS = 1_000;
const RECORD_BYTES = 1024;
const VALUE = "x".repeat(RECORD_BYTES - 2);
/** Concurrent send() callers of the SDK scenarios: how many records an application has in hand at once. */
const SDK_SENDERS = [256, 1024];

const agent = new Agent({ connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });

async function post(url, body) {
  const response = await request(url, {
    method: "POST",
    dispatcher: agent,
    headers: { "content-type": "application/json" },
    body,
  });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`${response.statusCode} ${text.slice(0, 200)}`);
  return text;
}

/** The SDK, bundled from its TypeScript so plain Node can import it. */
async function loadSdk(dir) {
  const outfile = join(dir, "client.mjs");
  const root = fileURLToPath(new URL("..", import.meta.url));
  await build({
    entryPoints: [`${root}src/client/index.ts`],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
  });
  return await import(pathToFileURL(outfile).href);
}

/** Runs `worker` in `concurrency` loops; counts the records of calls that end after warm-up. */
async function measure(concurrency, worker) {
  const warmupEnds = Date.now() + WARMUP_MS;
  const ends = warmupEnds + DURATION_MS;
  let records = 0;
  let measuredFrom = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < ends) {
        const n = await worker();
        if (Date.now() < warmupEnds) continue;
        measuredFrom ||= performance.now();
        records += n;
      }
    }),
  );
  return Math.round(records / ((performance.now() - measuredFrom) / 1000));
}

async function createTopic(baseUrl, name) {
  await post(`${baseUrl}/v1/topics`, JSON.stringify({ name, partitions: 1 }));
  return name;
}

async function main() {
  const persistTo = await mkdtemp(join(tmpdir(), "edgelog-bench-sdk-"));
  const cluster = await startWranglerDev({ persistTo, vars: { EDGELOG_AUTH: "off" } });
  const results = [];
  try {
    const { Edgelog } = await loadSdk(persistTo);
    const idempotent =
      (
        await request(`${cluster.url}/v1/producers`, {
          method: "POST",
          body: "{}",
          headers: { "content-type": "application/json" },
        })
      ).statusCode === 201;
    const raw = async (name, batch, concurrency) => {
      const topic = await createTopic(cluster.url, `bench-raw-${batch}-${Date.now()}`);
      const body = JSON.stringify({
        records: Array.from({ length: batch }, (_, i) => ({ key: `k${i}`, value: VALUE })),
      });
      const url = `${cluster.url}/v1/topics/${topic}/partitions/0/records?acks=all`;
      const recordsPerSecond = await measure(concurrency, async () => {
        await post(url, body);
        return batch;
      });
      results.push({ scenario: name, recordsPerSecond });
    };
    await raw("raw HTTP, 1 record per request, 16 concurrent", 1, 16);
    await raw("raw HTTP, 100 records per request, 8 concurrent", 100, 8);

    for (const senders of SDK_SENDERS) {
      const topic = await createTopic(cluster.url, `bench-sdk-${senders}-${Date.now()}`);
      const producer = new Edgelog({ url: cluster.url }).producer({ idempotent });
      const recordsPerSecond = await measure(senders, async () => {
        await producer.send({ topic, messages: [{ key: "k", value: VALUE }] });
        return 1;
      });
      await producer.disconnect();
      const mode = idempotent ? "idempotent" : "idempotent off: this server has no POST /v1/producers";
      results.push({
        scenario: `SDK producer, default batching, ${senders} concurrent send() of 1 record (${mode})`,
        recordsPerSecond,
      });
    }
  } finally {
    await cluster.stop();
    await rm(persistTo, { recursive: true, force: true });
  }
  const width = Math.max(...results.map((r) => r.scenario.length));
  console.log(`${"scenario".padEnd(width)}  records/s`);
  for (const r of results) console.log(`${r.scenario.padEnd(width)}  ${String(r.recordsPerSecond).padStart(9)}`);
  const dir = fileURLToPath(new URL("results/", import.meta.url));
  await mkdir(dir, { recursive: true });
  const file = join(dir, `sdk-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  await writeFile(file, JSON.stringify({ durationMs: DURATION_MS, recordBytes: RECORD_BYTES, results }, null, 2));
  console.log(`wrote ${file}`);
}

await main();

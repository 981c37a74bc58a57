// `npm run bench`: starts its own local cluster (wrangler dev, --log-level warn) and
// measures produce throughput and latency with 1 KB records into one partition, in
// batches of 1 and of 100, replicationFactor 1 and 3, with undici's keep-alive pool
// (global fetch caps near 3,000 requests/s here). Prints a table and writes JSON to
// bench/results/.
// `--quick` runs each scenario for 3 s instead of 10 s.

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";
import { freePort, startWranglerDev } from "../scripts/wrangler-dev.mjs";

const quick = process.argv.includes("--quick");
const DURATION_MS = quick ? 3_000 : 10_000;
const WARMUP_MS = 1_000;
const RECORD_BYTES = 1024;
const SCENARIOS = [
  { name: "produce 1 KB, batch 1, RF 1, acks=all", batch: 1, rf: 1, acks: "all", concurrency: 16 },
  { name: "produce 1 KB, batch 100, RF 1, acks=all", batch: 100, rf: 1, acks: "all", concurrency: 8 },
  { name: "produce 1 KB, batch 100, RF 3, acks=all", batch: 100, rf: 3, acks: "all", concurrency: 8 },
  { name: "produce 1 KB, batch 100, RF 3, acks=1", batch: 100, rf: 3, acks: "1", concurrency: 8 },
];

const agent = new Agent({ connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });

async function post(url, body) {
  const started = performance.now();
  const response = await request(url, {
    method: "POST",
    dispatcher: agent,
    headers: { "content-type": "application/json" },
    body,
  });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`${response.statusCode} ${text.slice(0, 200)}`);
  return performance.now() - started;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function runScenario(baseUrl, scenario, index) {
  const topic = `bench-${index}-${Date.now()}`;
  const replicas = { replicationFactor: scenario.rf, minInsyncReplicas: Math.min(2, scenario.rf) };
  await post(`${baseUrl}/v1/topics`, JSON.stringify({ name: topic, partitions: 1, ...replicas }));
  const value = "x".repeat(RECORD_BYTES - 2);
  const body = JSON.stringify({ records: Array.from({ length: scenario.batch }, (_, i) => ({ key: `k${i}`, value })) });
  const url = `${baseUrl}/v1/topics/${topic}/partitions/0/records?acks=${scenario.acks}`;
  const latencies = [];
  let measuring = false;
  const warmupEnds = Date.now() + WARMUP_MS;
  const ends = warmupEnds + DURATION_MS;
  let measuredFrom = 0;
  const worker = async () => {
    while (Date.now() < ends) {
      const ms = await post(url, body);
      if (Date.now() >= warmupEnds) {
        if (!measuring) {
          measuring = true;
          measuredFrom = performance.now();
        }
        latencies.push(ms);
      }
    }
  };
  await Promise.all(Array.from({ length: scenario.concurrency }, worker));
  const seconds = (performance.now() - measuredFrom) / 1000;
  latencies.sort((a, b) => a - b);
  const records = latencies.length * scenario.batch;
  return {
    scenario: scenario.name,
    batch: scenario.batch,
    concurrency: scenario.concurrency,
    requests: latencies.length,
    recordsPerSecond: Math.round(records / seconds),
    megabytesPerSecond: Number(((records * RECORD_BYTES) / seconds / 1e6).toFixed(2)),
    p50Ms: Number(percentile(latencies, 50).toFixed(1)),
    p99Ms: Number(percentile(latencies, 99).toFixed(1)),
    maxMs: Number((latencies.at(-1) ?? 0).toFixed(1)),
  };
}

const persistTo = await mkdtemp(join(tmpdir(), "edgelog-bench-"));
const cluster = await startWranglerDev({ port: await freePort(), persistTo, vars: { EDGELOG_AUTH: "off" } });
const results = [];
try {
  for (const [i, scenario] of SCENARIOS.entries()) {
    process.stdout.write(`running: ${scenario.name} (${(WARMUP_MS + DURATION_MS) / 1000} s)\n`);
    results.push(await runScenario(cluster.url, scenario, i));
  }
} finally {
  await cluster.stop();
  await rm(persistTo, { recursive: true, force: true });
  await agent.close();
}
console.table(results);
const dir = fileURLToPath(new URL("./results/", import.meta.url));
await mkdir(dir, { recursive: true });
const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
await writeFile(file, `${JSON.stringify({ date: new Date().toISOString(), quick, results }, null, 2)}\n`);
console.log(`results written to ${file}`);

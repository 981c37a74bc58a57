// Gateway scenarios: the same 1 KB records as the HTTP scenarios, through a real
// `edgelog gateway` (the built CLI) in front of the same cluster. Produce in batches of
// 100 with kafkajs and with kcat, a native client (against produce-rf1-b100, the HTTP
// route, in the same run), and with kafkajs against produces answered at once (its and
// the gateway's own ceiling); the catch-up read with kcat (against catchup-read).

import { spawn } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import http from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../scripts/wrangler-dev.mjs";
import { cpuWindow } from "./lib/cpu.mjs";
import { delta, scrapeTopic } from "./lib/metrics.mjs";
import { load1 } from "./lib/stats.mjs";
import { closedLoop, costs, createTopic, filledTopic, RAW, RECORD_BYTES, row } from "./scenarios.mjs";

const require = createRequire(import.meta.url);
const BIN = new URL("../dist/edgelog.mjs", import.meta.url).pathname;
const START_TIMEOUT_MS = 20_000;
const READ_TIMEOUT_MS = 300_000;
/** Node flags for the gateway process, e.g. BENCH_GATEWAY_NODE_ARGS="--cpu-prof
 * --cpu-prof-dir=/tmp/gateway-profile" to see where its time goes. */
const NODE_ARGS = (process.env.BENCH_GATEWAY_NODE_ARGS ?? "").split(" ").filter(Boolean);

/** @typedef {import("./scenarios.mjs").Ctx} Ctx */

/** @param {string} baseUrl @returns {Promise<{ broker: string, stop: () => Promise<void> }>} */
async function startGateway(baseUrl) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...NODE_ARGS, BIN, "gateway", "--listen", `127.0.0.1:${port}`, "--url", baseUrl],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  const exited = new Promise((resolve) => child.once("exit", resolve));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the gateway did not start in time")), START_TIMEOUT_MS);
    child.stderr.on("data", (chunk) => {
      if (String(chunk).includes("Kafka protocol on")) {
        clearTimeout(timer);
        resolve(undefined);
      }
    });
    child.once("exit", (code) => reject(new Error(`the gateway exited with ${code}`)));
  });
  return {
    broker: `127.0.0.1:${port}`,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * In front of Edgelog at `baseUrl`: every call passed on, but a produce answered at once
 * with the next offsets, its records dropped. With the gateway pointed at it, what is
 * left is the client's and the gateway's own cost: their ceiling on this machine.
 * @param {string} baseUrl @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
async function instantProduceProxy(baseUrl) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let nextOffset = 0;
  const server = http.createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (req.method === "POST" && /\/partitions\/\d+\/records\?/.test(req.url ?? "")) {
        const offset = nextOffset;
        nextOffset += body.readUInt32LE(2); // a binary batch's record count
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ results: [{ partition: 0, offset }] }));
        return;
      }
      const onward = http.request(new URL(req.url ?? "/", baseUrl), {
        method: req.method,
        headers: req.headers,
        agent,
      });
      onward.on("response", (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      onward.on("error", () => res.destroy());
      onward.end(body);
    });
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(undefined)));
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      agent.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * kafkajs producers through the gateway: `concurrency` sends of `batch` records in flight.
 * `instant`: with Edgelog's produces answered at once (instantProduceProxy), so only
 * kafkajs and the gateway are measured.
 * @param {Ctx} ctx @param {string} baseUrl
 * @param {{ name: string, batch: number, concurrency: number, instant?: boolean }} s
 */
export async function gatewayProduce(ctx, baseUrl, s) {
  const proxy = s.instant ? await instantProduceProxy(baseUrl) : null;
  const gateway = await startGateway(proxy?.url ?? baseUrl);
  const { Kafka, logLevel } = require("kafkajs");
  const kafka = new Kafka({ clientId: "bench", brokers: [gateway.broker], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  try {
    const topic = `bench-${s.name}-${ctx.runId}`;
    await createTopic(baseUrl, topic, 1, 1);
    await producer.connect();
    const messages = Array.from({ length: s.batch }, (_, i) => ({ key: `k${i}`, value: RAW }));
    const before = await scrapeTopic(baseUrl, topic);
    const loadBefore = load1();
    const run = await closedLoop(ctx, s.concurrency, async () => {
      await producer.send({ topic, acks: 1, messages });
      return s.batch;
    });
    const loadAfter = load1();
    // Through the proxy no record reaches Edgelog: there is no cost to count.
    if (proxy) return row(run, { concurrency: s.concurrency, load: [loadBefore, loadAfter] });
    const d = delta(before, await scrapeTopic(baseUrl, topic));
    return row(run, {
      concurrency: s.concurrency,
      load: [loadBefore, loadAfter],
      ...costs(d, d.recordsIn, run.requests),
    });
  } finally {
    await producer.disconnect();
    await gateway.stop();
    await proxy?.stop();
  }
}

/** Keys of kcat's produced lines, as in the HTTP scenarios' keyed loads. */
const KCAT_KEYS = 1_000;

/**
 * kcat (librdkafka) produces keyed 1 KB lines from a file through the gateway, in
 * batches of 100 with acks=1, as fast as it pipelines them; a fifth of --records
 * (200,000 by default), timed from its start to its exit (every record acknowledged).
 * @param {Ctx & { records: number }} ctx @param {string} baseUrl @param {{ name: string }} s
 */
export async function gatewayKcatProduce(ctx, baseUrl, s) {
  const total = Math.max(4_000, Math.round(ctx.records / 5));
  const file = join(tmpdir(), `edgelog-bench-${s.name}-${ctx.runId}.txt`);
  const value = "x".repeat(RECORD_BYTES);
  await writeFile(file, Array.from({ length: total }, (_, i) => `k${i % KCAT_KEYS}:${value}\n`).join(""));
  const gateway = await startGateway(baseUrl);
  try {
    const topic = `bench-${s.name}-${ctx.runId}`;
    await createTopic(baseUrl, topic, 1, 1);
    const before = await scrapeTopic(baseUrl, topic);
    const loadBefore = load1();
    const cpuEnd = cpuWindow(ctx.pgid);
    const started = performance.now();
    await runKcat([
      ...["-b", gateway.broker, "-P", "-t", topic, "-p", "0", "-K:", "-l", file],
      ...["-X", "batch.num.messages=100", "-X", "acks=1"],
    ]);
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuEnd();
    const d = delta(before, await scrapeTopic(baseUrl, topic));
    if (d.recordsIn !== total) throw new Error(`kcat produced ${d.recordsIn} records of ${total}`);
    const run = { records: total, seconds, latencies: [seconds * 1000], cpu };
    return row(run, { concurrency: 1, load: [loadBefore, load1()], ...costs(d, d.recordsIn, d.requests) });
  } finally {
    await gateway.stop();
    await rm(file, { force: true });
  }
}

/**
 * Runs kcat to its exit; rejects unless it exits 0. @param {string[]} args
 * @param {(chunk: Buffer) => void} [onStdout] @returns {Promise<void>}
 */
function runKcat(args, onStdout) {
  return new Promise((resolve, reject) => {
    const child = spawn("kcat", args, { stdio: ["ignore", onStdout ? "pipe" : "ignore", "pipe"] });
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), READ_TIMEOUT_MS);
    if (onStdout) child.stdout?.on("data", onStdout);
    child.stderr.on("data", (chunk) => {
      stderr = (stderr + String(chunk)).slice(-2_000);
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`kcat exited with ${code}: ${stderr}`));
    });
  });
}

/**
 * kcat reads a filled partition from the beginning to its end through the gateway.
 * @param {Ctx & { records: number }} ctx @param {string} baseUrl @param {{ name: string }} s
 */
export async function gatewayCatchUp(ctx, baseUrl, s) {
  const gateway = await startGateway(baseUrl);
  try {
    const { topic, total } = await filledTopic(ctx, baseUrl, s);
    const before = await scrapeTopic(baseUrl, topic);
    const loadBefore = load1();
    const started = performance.now();
    const lines = await kcatRead(gateway.broker, topic);
    const seconds = (performance.now() - started) / 1000;
    if (lines !== total) throw new Error(`kcat read ${lines} records of ${total}`);
    const d = delta(before, await scrapeTopic(baseUrl, topic));
    const run = { records: lines, seconds, latencies: [seconds * 1000] };
    return row(run, { concurrency: 1, load: [loadBefore, load1()], ...costs(d, d.recordsOut, 1) });
  } finally {
    await gateway.stop();
  }
}

/** @param {string} broker @param {string} topic @returns {Promise<number>} records read */
async function kcatRead(broker, topic) {
  let lines = 0;
  await runKcat(["-b", broker, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "\\n"], (chunk) => {
    for (const byte of chunk) if (byte === 10) lines++;
  });
  return lines;
}

// The measured scenarios. Each returns one result row; every loop is bounded by a
// deadline and an iteration cap, so a stuck server ends a scenario, not the bench.

import { request } from "undici";
import { cpuWindow } from "./lib/cpu.mjs";
import { agent, getJson, postJson, send } from "./lib/http.mjs";
import { delta, scrapeTopic } from "./lib/metrics.mjs";
import { load1, sleep, summarize } from "./lib/stats.mjs";
import { createStream, NatsClient } from "./peers/nats.mjs";
import { RedisClient } from "./peers/redis.mjs";
import { usdPerMillionEvents } from "./prices.mjs";

export const RECORD_BYTES = 1024;
/** A JSON string value whose JSON form is RECORD_BYTES bytes. */
const VALUE = "x".repeat(RECORD_BYTES - 2);
export const RAW = Buffer.alloc(RECORD_BYTES, 120);
const MAX_ITERATIONS = 10_000_000;
const MAX_FETCH_BYTES = 8 * 1024 * 1024;
/** The pause before each produce of the wake-up scenarios: the system is idle when it comes. */
const WAKEUP_PAUSE_MS = 30;

/** @typedef {import("./lib/progress.mjs").Progress} Progress */
/** @typedef {{ durationMs: number, warmupMs: number, progress: Progress, runId: string, pgid?: number | null, beforeMeasure?: () => Promise<void> }} Ctx */

/**
 * Closed loop: `concurrency` workers call `op` until the deadline; latencies and
 * records after the warm-up count.
 * @param {Ctx} ctx @param {number} concurrency
 * @param {(worker: number) => Promise<number>} op returns the records it moved
 */
export async function closedLoop(ctx, concurrency, op) {
  const warmupEnds = performance.now() + ctx.warmupMs;
  const ends = warmupEnds + ctx.durationMs;
  /** @type {number[]} */
  const latencies = [];
  let records = 0;
  let requests = 0;
  let totalRecords = 0;
  let firstMeasured = Number.POSITIVE_INFINITY;
  let lastMeasured = 0;
  /** @type {(() => ReturnType<ReturnType<typeof cpuWindow>>) | undefined} */
  let cpuEnd;
  const cpuTimer = setTimeout(() => {
    cpuEnd = cpuWindow(ctx.pgid);
  }, ctx.warmupMs);
  const worker = async (/** @type {number} */ w) => {
    for (let i = 0; i < MAX_ITERATIONS && performance.now() < ends; i++) {
      const started = performance.now();
      const n = await op(w);
      const finished = performance.now();
      requests += 1;
      totalRecords += n;
      ctx.progress.add(n);
      if (started >= warmupEnds) {
        firstMeasured = Math.min(firstMeasured, started);
        lastMeasured = Math.max(lastMeasured, finished);
        latencies.push(finished - started);
        records += n;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  clearTimeout(cpuTimer);
  const cpu = cpuEnd?.() ?? { serverCpuMs: null, serverCpuPct: null, clientCpuPct: null };
  const seconds = Math.max(0.001, (lastMeasured - firstMeasured) / 1000);
  return { latencies, records, seconds, requests, totalRecords, cpu };
}

/**
 * @param {{ records: number, seconds: number, latencies: number[], cpu?: { serverCpuMs: number | null, serverCpuPct: number | null, workerdCpuPct?: number | null, clientCpuPct: number | null } }} run
 * @param {Record<string, unknown>} extra
 */
export function row(run, extra) {
  const cpu = run.cpu ?? { serverCpuMs: null, serverCpuPct: null, clientCpuPct: null };
  return {
    serverCpuPct: cpu.serverCpuPct,
    workerdCpuPct: cpu.workerdCpuPct ?? null,
    clientCpuPct: cpu.clientCpuPct,
    serverCpuMsPer1k:
      cpu.serverCpuMs === null || run.records === 0
        ? null
        : Math.round((cpu.serverCpuMs / run.records) * 1000 * 10) / 10,
    recordsPerSecond: Math.round(run.records / run.seconds),
    megabytesPerSecond: Math.round(((run.records * RECORD_BYTES) / run.seconds / 1e6) * 100) / 100,
    ...summarize(run.latencies),
    ...extra,
  };
}

/** Cost figures from a metrics delta, per 1,000 records and per million events.
 * @param {import("./lib/metrics.mjs").TopicCounters} d @param {number} records @param {number} workerRequests */
export function costs(d, records, workerRequests) {
  const per = (/** @type {number} */ n) => (records > 0 ? n / records : 0);
  const rates = {
    doRequestsPerRecord: per(d.requests),
    rowsWrittenPerRecord: per(d.rowsWritten),
    rowsReadPerRecord: per(d.rowsRead),
    workerRequestsPerRecord: per(workerRequests),
  };
  const r3 = (/** @type {number} */ n) => Math.round(n * 1000) / 1000;
  return {
    doRequestsPer1k: r3(rates.doRequestsPerRecord * 1000),
    rowsWrittenPer1k: r3(rates.rowsWrittenPerRecord * 1000),
    rowsReadPer1k: r3(rates.rowsReadPerRecord * 1000),
    workerRequestsPer1k: r3(rates.workerRequestsPerRecord * 1000),
    usdPerMillionEvents: Math.round(usdPerMillionEvents(rates) * 10000) / 10000,
    counters: d,
  };
}

/** @param {number} batch */
export function produceBody(batch) {
  return JSON.stringify({ records: Array.from({ length: batch }, (_, i) => ({ key: `k${i}`, value: VALUE })) });
}

/**
 * The same records as produceBody, as a binary batch (docs/PROTOCOL.md, "Binary batches"):
 * each key's UTF-8 and each value's JSON text as bytes, so the log stores the same bytes.
 * @param {number} batch
 */
export function produceBatchFrame(batch) {
  const value = Buffer.from(JSON.stringify(VALUE));
  const keys = Array.from({ length: batch }, (_, i) => Buffer.from(`k${i}`));
  const size = 6 + keys.reduce((n, key) => n + 8 + 4 + key.length + 4 + value.length + 2, 0);
  const frame = Buffer.alloc(size);
  frame.writeUInt8(1, 0); // version
  frame.writeUInt8(1, 1); // format: binary
  frame.writeUInt32LE(batch, 2);
  let at = 6;
  for (const key of keys) {
    frame.writeDoubleLE(-1, at); // the leader's clock
    frame.writeInt32LE(key.length, at + 8);
    key.copy(frame, at + 12);
    at += 12 + key.length;
    frame.writeInt32LE(value.length, at);
    value.copy(frame, at + 4);
    at += 4 + value.length;
    frame.writeUInt16LE(0, at); // no headers
    at += 2;
  }
  return frame;
}

/** @param {string} baseUrl @param {string} name @param {number} partitions @param {number} rf */
export async function createTopic(baseUrl, name, partitions, rf) {
  await postJson(`${baseUrl}/v1/topics`, {
    name,
    partitions,
    replicationFactor: rf,
    minInsyncReplicas: Math.min(2, rf),
  });
}

/**
 * Edgelog produce: `concurrency` producers, worker w writes to partition w % P.
 * @param {Ctx} ctx @param {string} baseUrl
 * @param {{ name: string, batch: number, partitions: number, rf: number, acks: string, concurrency: number, binary?: boolean }} s
 */
export async function edgelogProduce(ctx, baseUrl, s) {
  const topic = `bench-${s.name}-${ctx.runId}`;
  await createTopic(baseUrl, topic, s.partitions, s.rf);
  const body = s.binary ? produceBatchFrame(s.batch) : produceBody(s.batch);
  const type = s.binary ? "application/vnd.edgelog.batch" : "application/json";
  const urls = Array.from(
    { length: s.partitions },
    (_, p) => `${baseUrl}/v1/topics/${topic}/partitions/${p}/records?acks=${s.acks}`,
  );
  const before = await scrapeTopic(baseUrl, topic);
  const loadBefore = load1();
  const run = await closedLoop(ctx, s.concurrency, async (w) => {
    await send("POST", /** @type {string} */ (urls[w % urls.length]), body, type);
    return s.batch;
  });
  const loadAfter = load1();
  const d = delta(before, await scrapeTopic(baseUrl, topic));
  return row(run, {
    concurrency: s.concurrency,
    load: [loadBefore, loadAfter],
    ...costs(d, d.recordsIn, run.requests),
  });
}

/**
 * The platform floor's produce: the same bodies, appended as one row each.
 * @param {Ctx} ctx @param {string} floorUrl @param {{ name: string, batch: number, concurrency: number }} s
 */
export async function floorProduce(ctx, floorUrl, s) {
  const body = produceBody(s.batch);
  const loadBefore = load1();
  const run = await closedLoop(ctx, s.concurrency, async () => {
    await send("POST", `${floorUrl}/append?log=${s.name}-${ctx.runId}&n=${s.batch}`, body);
    return s.batch;
  });
  return row(run, { concurrency: s.concurrency, load: [loadBefore, load1()] });
}

/**
 * The floor's single append after the same idle pause as longpoll-wakeup: what one
 * produce costs the platform when it wakes from idle, the bound of that scenario.
 * @param {Ctx & { messages: number }} ctx @param {string} floorUrl @param {{ name: string }} s
 */
export async function floorPaced(ctx, floorUrl, s) {
  const body = produceBody(1);
  const loadBefore = load1();
  /** @type {number[]} */
  const latencies = [];
  const cpuEnd = cpuWindow(ctx.pgid);
  const started = performance.now();
  for (let i = 0; i < ctx.messages; i++) {
    await sleep(WAKEUP_PAUSE_MS);
    latencies.push((await send("POST", `${floorUrl}/append?log=${s.name}-${ctx.runId}&n=1`, body)).ms);
    ctx.progress.add(1);
  }
  const seconds = (performance.now() - started) / 1000;
  return row(
    { latencies, records: latencies.length, seconds, cpu: cpuEnd() },
    { concurrency: 1, load: [loadBefore, load1()] },
  );
}

/**
 * Redis Streams: `concurrency` connections, each XADD-pipelining `batch` entries.
 * @param {Ctx} ctx @param {number} port @param {{ name: string, batch: number, concurrency: number }} s
 */
export async function redisProduce(ctx, port, s) {
  const clients = /** @type {RedisClient[]} */ (
    await Promise.all(Array.from({ length: s.concurrency }, () => RedisClient.connect(port)))
  );
  const stream = `${s.name}-${ctx.runId}`;
  const commands = Array.from({ length: s.batch }, () => ["XADD", stream, "*", "v", RAW]);
  const loadBefore = load1();
  try {
    const run = await closedLoop(ctx, s.concurrency, async (w) => {
      await /** @type {RedisClient} */ (clients[w]).pipeline(commands);
      return s.batch;
    });
    return row(run, { concurrency: s.concurrency, load: [loadBefore, load1()] });
  } finally {
    for (const c of clients) c.close();
  }
}

/**
 * NATS JetStream publish with acks, `inFlight` outstanding on one connection.
 * @param {Ctx} ctx @param {number} port @param {{ name: string, inFlight: number }} s
 */
export async function natsPublish(ctx, port, s) {
  const client = await NatsClient.connect(port);
  const stream = `B${ctx.runId.replace(/[^A-Za-z0-9]/g, "")}${s.name.replace(/[^A-Za-z0-9]/g, "")}`;
  const subject = `bench.${stream}`;
  try {
    await createStream(client, stream, subject);
    const loadBefore = load1();
    const run = await closedLoop(ctx, s.inFlight, async () => {
      const ack = JSON.parse((await client.request(subject, RAW)).toString());
      if (ack.error) throw new Error(`publish: ${JSON.stringify(ack.error)}`);
      return 1;
    });
    return row(run, { concurrency: s.inFlight, load: [loadBefore, load1()] });
  } finally {
    client.close();
  }
}

/**
 * Fills a log with `total` records with concurrent writers, bounded by `deadlineMs`.
 * @param {Progress} progress @param {number} total @param {number} batch
 * @param {() => Promise<void>} write one batch of `batch` records
 */
export async function fill(progress, total, batch, write) {
  const batches = Math.ceil(total / batch);
  let next = 0;
  const deadline = performance.now() + 600_000;
  const writer = async () => {
    while (next < batches && performance.now() < deadline) {
      next += 1;
      await write();
      progress.add(batch);
    }
  };
  await Promise.all(Array.from({ length: 4 }, writer));
  if (next < batches) throw new Error(`fill of ${total} records did not finish within 600 s`);
}

const FILL_BATCH = 1000;
const READ_DEADLINE_MS = 300_000;

/**
 * A topic of one partition holding ctx.records records (whole batches of FILL_BATCH),
 * for the catch-up scenarios.
 * @param {Ctx & { records: number }} ctx @param {string} baseUrl @param {{ name: string }} s
 * @returns {Promise<{ topic: string, total: number }>}
 */
export async function filledTopic(ctx, baseUrl, s) {
  const topic = `bench-${s.name}-${ctx.runId}`;
  await createTopic(baseUrl, topic, 1, 1);
  const body = produceBody(FILL_BATCH);
  ctx.progress.say(`  filling ${ctx.records.toLocaleString("en-US")} records…`);
  await fill(ctx.progress, ctx.records, FILL_BATCH, async () => {
    await send("POST", `${baseUrl}/v1/topics/${topic}/partitions/0/records?acks=1`, body);
  });
  return { topic, total: Math.ceil(ctx.records / FILL_BATCH) * FILL_BATCH };
}

/**
 * Edgelog catch-up: fill one partition, then one consumer reads it all from offset 0
 * with maxRecords 10,000 and maxBytes 8 MiB. The client reads nextOffset from the end
 * of each answer rather than parsing 8 MiB of JSON, so it is not the bottleneck.
 * @param {Ctx & { records: number }} ctx @param {string} baseUrl @param {{ name: string }} s
 */
export async function edgelogCatchUp(ctx, baseUrl, s) {
  const { topic, total } = await filledTopic(ctx, baseUrl, s);
  const before = await scrapeTopic(baseUrl, topic);
  const run = await sequentialRead(ctx, total, async (offset) => {
    const response = await request(
      `${baseUrl}/v1/topics/${topic}/partitions/0/records?offset=${offset}&maxRecords=10000&maxBytes=${MAX_FETCH_BYTES}`,
      { dispatcher: agent },
    );
    // Bytes, as the floor's reader takes them; only the tail, where nextOffset is, decoded.
    const body = new Uint8Array(await response.body.arrayBuffer());
    const tail = new TextDecoder().decode(body.subarray(-300));
    const match = /"nextOffset":(\d+)/.exec(tail);
    if (response.statusCode !== 200 || !match) throw new Error(`${response.statusCode}, no nextOffset in ${tail}`);
    return Number(match[1]);
  });
  const d = delta(before, await scrapeTopic(baseUrl, topic));
  return row(run, { concurrency: 1, load: run.load, ...costs(d, d.recordsOut, run.requests) });
}

/** @param {Ctx & { records: number }} ctx @param {string} floorUrl @param {{ name: string }} s */
export async function floorCatchUp(ctx, floorUrl, s) {
  const log = `${s.name}-${ctx.runId}`;
  const body = produceBody(FILL_BATCH);
  ctx.progress.say(`  filling ${ctx.records.toLocaleString("en-US")} records…`);
  await fill(ctx.progress, ctx.records, FILL_BATCH, async () => {
    await send("POST", `${floorUrl}/append?log=${log}&n=${FILL_BATCH}`, body);
  });
  const total = Math.ceil(ctx.records / FILL_BATCH) * FILL_BATCH;
  const run = await sequentialRead(ctx, total, async (offset) => {
    const response = await request(`${floorUrl}/read?log=${log}&offset=${offset}&maxBytes=${MAX_FETCH_BYTES}`, {
      dispatcher: agent,
    });
    await response.body.arrayBuffer();
    return Number(response.headers["x-next-offset"]);
  });
  return row(run, { concurrency: 1, load: run.load });
}

/** @param {Ctx & { records: number }} ctx @param {number} port @param {{ name: string }} s */
export async function redisCatchUp(ctx, port, s) {
  const client = /** @type {RedisClient} */ (await RedisClient.connect(port));
  const stream = `${s.name}-${ctx.runId}`;
  const commands = Array.from({ length: FILL_BATCH }, () => ["XADD", stream, "*", "v", RAW]);
  try {
    ctx.progress.say(`  filling ${ctx.records.toLocaleString("en-US")} records…`);
    await fill(ctx.progress, ctx.records, FILL_BATCH, async () => {
      await client.pipeline(commands);
    });
    const total = Math.ceil(ctx.records / FILL_BATCH) * FILL_BATCH;
    let lastId = "0-0";
    const run = await sequentialRead(ctx, total, async (offset) => {
      const reply = /** @type {any} */ (await client.command("XREAD", "COUNT", "10000", "STREAMS", stream, lastId));
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length > 0) lastId = entries.at(-1)[0].toString();
      return offset + entries.length;
    });
    return row(run, { concurrency: 1, load: run.load });
  } finally {
    client.close();
  }
}

/**
 * One reader from offset 0 to `total`, bounded in calls and time.
 * @param {Ctx} ctx @param {number} total @param {(offset: number) => Promise<number>} readFrom returns the next offset
 */
export async function sequentialRead(ctx, total, readFrom) {
  /** @type {number[]} */
  const latencies = [];
  await ctx.beforeMeasure?.();
  const loadBefore = load1();
  const cpuEnd = cpuWindow(ctx.pgid);
  const started = performance.now();
  let offset = 0;
  for (let i = 0; offset < total && i < total; i++) {
    if (performance.now() - started > READ_DEADLINE_MS)
      throw new Error(`catch-up read not done in ${READ_DEADLINE_MS} ms`);
    const t = performance.now();
    const next = await readFrom(offset);
    latencies.push(performance.now() - t);
    if (next <= offset) throw new Error(`catch-up read stuck at offset ${offset}`);
    ctx.progress.add(next - offset);
    offset = next;
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuEnd();
  return { latencies, records: offset, seconds, requests: latencies.length, load: [loadBefore, load1()], cpu };
}

/**
 * End to end: one producer sends single records (acks=1) every `intervalMs`; one group
 * member long-polls POST /v1/groups/{g}/fetch, committing as it goes. Latency is from
 * the produce call to the record in the consumer's hands.
 * @param {Ctx & { messages: number }} ctx @param {string} baseUrl @param {{ name: string }} s
 */
export async function endToEndGroup(ctx, baseUrl, s) {
  const topic = `bench-${s.name}-${ctx.runId}`;
  const group = `bench-${s.name}-${ctx.runId}`;
  await createTopic(baseUrl, topic, 1, 1);
  const joined = await postJson(`${baseUrl}/v1/groups/${group}/heartbeat`, {
    memberEpoch: 0,
    topics: [topic],
    sessionTimeoutMs: 30_000,
  });
  const member = { memberId: joined.memberId, memberEpoch: joined.memberEpoch };
  // The first fetch fixes the start at the (empty) log's end.
  const first = await postJson(`${baseUrl}/v1/groups/${group}/fetch`, { ...member, maxWaitMs: 0 });
  member.memberEpoch = first.memberEpoch;
  const before = await scrapeTopic(baseUrl, topic);
  const loadBefore = load1();
  /** @type {number[]} */
  const latencies = [];
  const deadline = performance.now() + ctx.messages * 50 + 30_000;
  let producing = true;
  let workerRequests = 0;
  const producer = async () => {
    for (let i = 0; i < ctx.messages && performance.now() < deadline; i++) {
      const value = { t: performance.now(), pad: VALUE.slice(0, RECORD_BYTES - 40) };
      await send(
        "POST",
        `${baseUrl}/v1/topics/${topic}/partitions/0/records?acks=1`,
        JSON.stringify({ records: [{ value }] }),
      );
      workerRequests += 1;
      await sleep(10);
    }
    producing = false;
  };
  const consumer = async () => {
    /** @type {{ topic: string, partition: number, offset: number }[]} */
    let commit = [];
    while (latencies.length < ctx.messages && performance.now() < deadline) {
      const reply = await postJson(`${baseUrl}/v1/groups/${group}/fetch`, {
        ...member,
        commit,
        maxWaitMs: 2_000,
        maxRecords: 500,
      });
      workerRequests += 1;
      const now = performance.now();
      member.memberEpoch = reply.memberEpoch;
      for (const r of reply.records) latencies.push(now - r.value.t);
      ctx.progress.add(reply.records.length);
      const last = reply.records.at(-1);
      commit = last ? [{ topic, partition: 0, offset: last.offset + 1 }] : [];
      if (!producing && reply.records.length === 0) break;
    }
  };
  const cpuEnd = cpuWindow(ctx.pgid);
  const started = performance.now();
  await Promise.all([producer(), consumer()]);
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuEnd();
  const d = delta(before, await scrapeTopic(baseUrl, topic));
  await postJson(`${baseUrl}/v1/groups/${group}/heartbeat`, { memberId: member.memberId, memberEpoch: -1 }).catch(
    () => {},
  );
  return row(
    { latencies, records: latencies.length, seconds, cpu },
    { concurrency: 1, load: [loadBefore, load1()], ...costs(d, latencies.length, workerRequests) },
  );
}

/**
 * Long-poll wake-up: a fetch parked at the highWatermark (maxWaitMs 5,000), then one
 * record produced with acks=1. Latency is from sending the produce to the parked
 * fetch's answer; the produce's own latency is reported beside it.
 * @param {Ctx & { messages: number }} ctx @param {string} baseUrl @param {{ name: string }} s
 */
export async function longPollWakeUp(ctx, baseUrl, s) {
  const topic = `bench-${s.name}-${ctx.runId}`;
  await createTopic(baseUrl, topic, 1, 1);
  const body = produceBody(1);
  const produceUrl = `${baseUrl}/v1/topics/${topic}/partitions/0/records?acks=1`;
  const before = await scrapeTopic(baseUrl, topic);
  const loadBefore = load1();
  /** @type {number[]} */
  const latencies = [];
  /** @type {number[]} */
  const produceMs = [];
  /** @type {number[]} */
  const afterAckMs = [];
  let empty = 0;
  const cpuEnd = cpuWindow(ctx.pgid);
  const started = performance.now();
  for (let offset = 0; offset < ctx.messages; offset++) {
    const parked = getJson(
      `${baseUrl}/v1/topics/${topic}/partitions/0/records?offset=${offset}&maxWaitMs=5000&maxRecords=10`,
    );
    await sleep(WAKEUP_PAUSE_MS);
    const sent = performance.now();
    const [fetched, produced] = await Promise.all([
      parked.then((v) => [v, performance.now()]),
      send("POST", produceUrl, body).then((v) => ({ ...v, at: performance.now() })),
    ]);
    if (fetched[0].records.length === 0) empty += 1;
    else {
      latencies.push(fetched[1] - sent);
      afterAckMs.push(fetched[1] - produced.at);
    }
    produceMs.push(produced.ms);
    ctx.progress.add(1);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuEnd();
  const d = delta(before, await scrapeTopic(baseUrl, topic));
  const produceSummary = summarize(produceMs);
  return row(
    { latencies, records: latencies.length, seconds, cpu },
    {
      concurrency: 1,
      load: [loadBefore, load1()],
      produceP50Ms: produceSummary.p50Ms,
      produceP99Ms: produceSummary.p99Ms,
      /** The parked fetch's answer minus the produce's acknowledgement (negative: before it). */
      afterAck: summarize(afterAckMs),
      emptyAnswers: empty,
      ...costs(d, ctx.messages, ctx.messages * 2),
    },
  );
}

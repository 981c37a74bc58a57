// `npm run bench`: starts its own local cluster (Edgelog under wrangler dev, --log-level
// warn), the platform floor (bench/floor, the same way) and, when installed, Redis
// Streams and NATS JetStream; runs a fixed set of scenarios with 1 KB records; prints
// one table with every Edgelog figure also as a ratio of its peers; writes JSON to
// bench/results/ (or --out FILE).
//
//   npm run bench                       the full set (about 5 minutes)
//   npm run bench -- --quick            a small set, under a minute
//   npm run bench -- --scenario produce-rf1-b100 --duration-ms 500 [--out f.json]
//   npm run bench -- --list             scenario names
//   npm run bench -- --help             this text
//   --no-peers                          skip Redis and NATS
//   --records N                         catch-up size (default 1,000,000; quick 20,000)
//   --rounds N                          run the selection N times, interleaved, and report
//                                       each scenario's median round (noise on a shared box)
//
// Produce names: produce-rf{1|3}-b{1|100}[-p{4|16}][-acksall][-seq][-batch]; the default
// is one partition, acks=1, 16 producers for batches of 1, 8 for batches of 100 (or one
// per partition when more), one with -seq; -batch sends the same records as binary
// batches (application/vnd.edgelog.batch) instead of JSON.
// Compaction: produce-compacting and produce-filled fill one partition with --records
// records over 1,000 keys (compacted, or never cleaned), then run 8 producers of
// batches of 100 on the same keys (bench/compaction.mjs).

import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startWranglerDev } from "../scripts/wrangler-dev.mjs";
import * as C from "./compaction.mjs";
import * as G from "./gateway.mjs";
import { findGroup } from "./lib/cpu.mjs";
import { startFloor } from "./lib/floor-dev.mjs";
import { agent } from "./lib/http.mjs";
import { Progress } from "./lib/progress.mjs";
import { startNats } from "./peers/nats.mjs";
import { startRedis } from "./peers/redis.mjs";
import { PRICES } from "./prices.mjs";
import * as S from "./scenarios.mjs";

const { values: opts } = parseOptions({
  options: {
    help: { type: "boolean", default: false },
    quick: { type: "boolean", default: false },
    scenario: { type: "string", multiple: true },
    "duration-ms": { type: "string" },
    records: { type: "string" },
    out: { type: "string" },
    "no-peers": { type: "boolean", default: false },
    list: { type: "boolean", default: false },
    rounds: { type: "string", default: "1" },
  },
});

if (opts.help) {
  // The usage is this file's opening comment.
  const source = readFileSync(fileURLToPath(import.meta.url), "utf8");
  const usage = source.split("\n\n")[0].replace(/^\/\/ ?/gm, "");
  console.log(usage);
  process.exit(0);
}

/** parseArgs, with a one-line error for an unknown or malformed option. */
function parseOptions(config) {
  try {
    return parseArgs(config);
  } catch (error) {
    console.error(`bench: ${error.message} (npm run bench -- --help)`);
    process.exit(2);
  }
}

const quick = opts.quick;
const durationMs = Math.min(120_000, Number(opts["duration-ms"] ?? (quick ? 1_500 : 5_000)));
const warmupMs = Math.min(1_000, Math.round(durationMs / 5));
const catchUpRecords = Math.min(2_000_000, Number(opts.records ?? (quick ? 20_000 : 1_000_000)));
const messages = quick ? 30 : 300;
const rounds = Math.max(1, Math.min(10, Number(opts.rounds)));

/** @typedef {"edgelog" | "floor" | "redis-always" | "redis-everysec" | "nats"} System */
/** @typedef {{ name: string, system: System, run: (env: Env, ctx: any) => Promise<Record<string, any>>, peers?: { floor?: string, redis?: string, nats?: string, http?: string }, ratio?: "throughput" | "p50", plannedMs: number }} Scenario */
/** @typedef {{ edgelog?: string, floor?: string, redisAlways?: number, redisEverysec?: number, nats?: number }} Env */
/** Process (group) ids of each system, for its CPU time. @type {Partial<Record<System, number | null>>} */
const pgids = {};

/** @param {string} name @returns {Scenario | null} */
function produceScenario(name) {
  const m = /^produce-rf(\d)-b(\d+)(?:-p(\d+))?(-acksall)?(-seq)?(-batch)?$/.exec(name);
  if (!m) return null;
  const rf = Number(m[1]);
  const batch = Number(m[2]);
  const partitions = Number(m[3] ?? 1);
  const seq = Boolean(m[5]);
  const concurrency = seq ? 1 : Math.max(batch === 1 ? 16 : 8, partitions);
  const s = { name, batch, partitions, rf, acks: m[4] ? "all" : "1", concurrency, binary: Boolean(m[6]) };
  const floor = seq ? "floor-b1-seq" : batch === 1 ? "floor-b1" : "floor-b100";
  return {
    name,
    system: "edgelog",
    run: (env, ctx) => S.edgelogProduce(ctx, /** @type {string} */ (env.edgelog), s),
    peers: batch === 1 ? { floor } : { floor, redis: "redis-always-b100", nats: "nats-publish" },
    ratio: seq ? "p50" : "throughput",
    plannedMs: durationMs + warmupMs,
  };
}

/**
 * kafkajs through the gateway, 8 sends of 100 records in flight, against the HTTP route;
 * `instant`: with Edgelog's produces answered at once (bench/gateway.mjs).
 * @param {string} name @param {boolean} instant @returns {Scenario}
 */
function kafkajsScenario(name, instant) {
  return {
    name,
    system: "edgelog",
    run: (env, ctx) =>
      G.gatewayProduce(ctx, /** @type {string} */ (env.edgelog), { name, batch: 100, concurrency: 8, instant }),
    peers: { http: "produce-rf1-b100" },
    ratio: "throughput",
    plannedMs: durationMs + warmupMs,
  };
}

/** @type {Scenario[]} */
const PEERS = [
  { name: "floor-b100", system: "floor", batch: 100, concurrency: 8 },
  { name: "floor-b1", system: "floor", batch: 1, concurrency: 16 },
  { name: "floor-b1-seq", system: "floor", batch: 1, concurrency: 1 },
].map((s) => ({
  name: s.name,
  system: /** @type {System} */ (s.system),
  run: (env, ctx) => S.floorProduce(ctx, /** @type {string} */ (env.floor), s),
  plannedMs: durationMs + warmupMs,
}));
PEERS.push(
  {
    name: "floor-b1-paced",
    system: "floor",
    run: (env, ctx) => S.floorPaced(ctx, /** @type {string} */ (env.floor), { name: "floor-b1-paced" }),
    plannedMs: messages * 35,
  },
  {
    name: "floor-catchup",
    system: "floor",
    run: (env, ctx) => S.floorCatchUp(ctx, /** @type {string} */ (env.floor), { name: "floor-catchup" }),
    plannedMs: 0,
  },
  {
    name: "redis-always-b100",
    system: "redis-always",
    run: (env, ctx) =>
      S.redisProduce(ctx, /** @type {number} */ (env.redisAlways), {
        name: "redis-always-b100",
        batch: 100,
        concurrency: 8,
      }),
    plannedMs: durationMs + warmupMs,
  },
  {
    name: "redis-everysec-b100",
    system: "redis-everysec",
    run: (env, ctx) =>
      S.redisProduce(ctx, /** @type {number} */ (env.redisEverysec), {
        name: "redis-everysec-b100",
        batch: 100,
        concurrency: 8,
      }),
    plannedMs: durationMs + warmupMs,
  },
  {
    name: "redis-catchup",
    system: "redis-everysec",
    run: (env, ctx) => S.redisCatchUp(ctx, /** @type {number} */ (env.redisEverysec), { name: "redis-catchup" }),
    plannedMs: 0,
  },
  {
    name: "nats-publish",
    system: "nats",
    run: (env, ctx) => S.natsPublish(ctx, /** @type {number} */ (env.nats), { name: "nats-publish", inFlight: 100 }),
    plannedMs: durationMs + warmupMs,
  },
);

/** @type {Scenario[]} */
const EDGELOG_OTHERS = [
  {
    name: "catchup-read",
    system: "edgelog",
    run: (env, ctx) => S.edgelogCatchUp(ctx, /** @type {string} */ (env.edgelog), { name: "catchup-read" }),
    peers: { floor: "floor-catchup", redis: "redis-catchup" },
    ratio: "throughput",
    plannedMs: 0,
  },
  {
    name: "e2e-group-longpoll",
    system: "edgelog",
    run: (env, ctx) => S.endToEndGroup(ctx, /** @type {string} */ (env.edgelog), { name: "e2e-group" }),
    plannedMs: messages * 15,
  },
  kafkajsScenario("gateway-kafkajs-b100", false),
  kafkajsScenario("gateway-kafkajs-instant", true),
  {
    name: "gateway-kcat-produce",
    system: "edgelog",
    run: (env, ctx) => G.gatewayKcatProduce(ctx, /** @type {string} */ (env.edgelog), { name: "gateway-kcat-produce" }),
    peers: { http: "produce-rf1-b100" },
    ratio: "throughput",
    plannedMs: 0,
  },
  {
    name: "gateway-catchup-kcat",
    system: "edgelog",
    run: (env, ctx) => G.gatewayCatchUp(ctx, /** @type {string} */ (env.edgelog), { name: "gateway-catchup-kcat" }),
    peers: { http: "catchup-read" },
    ratio: "throughput",
    plannedMs: 0,
  },
  ...[
    { name: "produce-compacting", compacted: true },
    { name: "produce-filled", compacted: false },
  ].map((s) => ({
    name: s.name,
    system: /** @type {System} */ ("edgelog"),
    run: (/** @type {Env} */ env, /** @type {any} */ ctx) =>
      C.produceOnFilled(ctx, /** @type {string} */ (env.edgelog), s),
    peers: s.compacted ? { http: "produce-filled" } : undefined,
    ratio: /** @type {const} */ ("throughput"),
    plannedMs: durationMs + warmupMs,
  })),
  {
    name: "longpoll-wakeup",
    system: "edgelog",
    run: (env, ctx) => S.longPollWakeUp(ctx, /** @type {string} */ (env.edgelog), { name: "wakeup" }),
    plannedMs: messages * 40,
  },
];

const PRODUCE_FULL = [];
for (const rf of [1, 3])
  for (const acks of ["", "-acksall"])
    for (const batch of [1, 100])
      for (const p of ["", "-p4", "-p16"]) PRODUCE_FULL.push(`produce-rf${rf}-b${batch}${p}${acks}`);
PRODUCE_FULL.push(
  "produce-rf1-b1-seq",
  "produce-rf3-b1-acksall-seq",
  "produce-rf1-b100-batch",
  "produce-rf1-b100-p16-batch",
);
const PRODUCE_QUICK = ["produce-rf1-b100", "produce-rf1-b1-seq", "produce-rf3-b100-acksall"];

/** @param {string} name @returns {Scenario | null} */
function findScenario(name) {
  return produceScenario(name) ?? [...PEERS, ...EDGELOG_OTHERS].find((s) => s.name === name) ?? null;
}

const QUICK_PEERS = ["floor-b100", "floor-b1-seq", "floor-catchup", "redis-always-b100", "redis-everysec-b100"];
/** @type {Scenario[]} */
let selected;
if (opts.scenario) {
  selected = opts.scenario.map((n) => {
    const s = findScenario(n);
    if (!s) throw new Error(`unknown scenario ${n}; --list shows the names`);
    return s;
  });
} else {
  const peerNames = quick ? [...QUICK_PEERS, "redis-catchup", "nats-publish"] : PEERS.map((p) => p.name);
  const produce = (quick ? PRODUCE_QUICK : PRODUCE_FULL).map((n) => /** @type {Scenario} */ (produceScenario(n)));
  selected = [...PEERS.filter((p) => peerNames.includes(p.name)), ...produce, ...EDGELOG_OTHERS];
}
if (opts["no-peers"]) selected = selected.filter((s) => s.system === "edgelog" || s.system === "floor");
if (opts.list) {
  const all = [...PEERS, ...PRODUCE_FULL.map((n) => /** @type {Scenario} */ (produceScenario(n))), ...EDGELOG_OTHERS];
  for (const s of all) console.log(s.name);
  process.exit(0);
}

// ---- start what the selected scenarios need -----------------------------------------

const systems = new Set(selected.map((s) => s.system));
const progress = new Progress(selected.length * rounds);
const scratch = await mkdtemp(join(tmpdir(), "edgelog-bench-"));
/** @type {Env} */
const env = {};
/** @type {Record<string, string>} */
const skipped = {};
/** @type {(() => Promise<void>)[]} */
const stops = [];
const uptime = () => {
  try {
    return execSync("uptime", { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return `load average: ${loadavg()
      .map((n) => n.toFixed(2))
      .join(", ")} (os.loadavg; no uptime command)`;
  }
};
const uptimeStart = uptime();
progress.say(`load: ${uptimeStart}`);

/** @param {string} what @param {() => Promise<void>} start */
async function tryStart(what, start) {
  try {
    await start();
  } catch (error) {
    skipped[what] = /** @type {Error} */ (error).message.split("\n")[0] ?? "failed";
    progress.say(`peer ${what} cannot start: ${skipped[what]}; its scenarios are skipped`);
  }
}

const starting = [];
if (systems.has("edgelog"))
  starting.push(
    (async () => {
      const persistTo = join(scratch, "edgelog");
      const cluster = await startWranglerDev({ persistTo, vars: { EDGELOG_AUTH: "off" } });
      env.edgelog = cluster.url;
      clusterOutput = cluster.output;
      pgids.edgelog = findGroup(persistTo);
      stops.push(cluster.stop);
    })(),
  );
if (systems.has("floor"))
  starting.push(
    tryStart("floor", async () => {
      const floor = await startFloor(join(scratch, "floor"));
      env.floor = floor.url;
      pgids.floor = findGroup(join(scratch, "floor"));
      stops.push(floor.stop);
    }),
  );
for (const [system, fsync, key] of /** @type {const} */ ([
  ["redis-always", "always", "redisAlways"],
  ["redis-everysec", "everysec", "redisEverysec"],
])) {
  if (!systems.has(system)) continue;
  starting.push(
    tryStart(system, async () => {
      const dir = join(scratch, system);
      await mkdir(dir, { recursive: true });
      const r = await startRedis(dir, fsync);
      if ("error" in r) throw new Error(r.error);
      env[key] = r.port;
      pgids[system] = r.pid;
      stops.push(r.stop);
    }),
  );
}
if (systems.has("nats"))
  starting.push(
    tryStart("nats", async () => {
      const dir = join(scratch, "nats");
      await mkdir(dir, { recursive: true });
      const n = await startNats(dir);
      if ("error" in n) throw new Error(n.error);
      env.nats = n.port;
      pgids.nats = n.pid;
      stops.push(n.stop);
    }),
  );

/** @type {() => string} */
let clusterOutput = () => "";
/** @type {Record<string, Record<string, any>[]>} */
const runs = {};
let failed = false;
try {
  progress.say("starting the local cluster and peers…");
  await Promise.all(starting);
  for (let round = 0; round < rounds; round++)
    for (const scenario of selected) {
      const runId = `${Date.now().toString(36)}r${round}`;
      const ready =
        scenario.system === "edgelog"
          ? env.edgelog
          : scenario.system === "floor"
            ? env.floor
            : scenario.system === "nats"
              ? env.nats
              : scenario.system === "redis-always"
                ? env.redisAlways
                : env.redisEverysec;
      if (ready === undefined) continue;
      progress.start(scenario.name, scenario.plannedMs);
      const ctx = {
        durationMs,
        warmupMs,
        progress,
        runId,
        records: catchUpRecords,
        messages,
        pgid: pgids[scenario.system],
      };
      const list = runs[scenario.name] ?? [];
      runs[scenario.name] = list;
      try {
        const r = { scenario: scenario.name, system: scenario.system, ...(await scenario.run(env, ctx)) };
        list.push(r);
        progress.done(
          `${r.recordsPerSecond.toLocaleString("en-US")} rec/s, p50 ${r.p50Ms} ms, load ${r.load.join("→")}`,
        );
      } catch (error) {
        failed = true;
        const serverLog = scenario.system === "edgelog" ? clusterOutput().slice(-1500) : undefined;
        list.push({ scenario: scenario.name, system: scenario.system, error: String(error), serverLog });
        progress.done(`failed: ${String(error).slice(0, 300)}`);
      }
    }
} finally {
  await Promise.all(stops.map((stop) => stop().catch(() => {})));
  await rm(scratch, { recursive: true, force: true });
  await agent.close();
}
const uptimeEnd = uptime();

/** Each scenario's median round (by records/s, or by p50 for latency scenarios), with
 * every round's figures beside it. @type {Record<string, Record<string, any>>} */
const results = {};
for (const scenario of selected) {
  const list = runs[scenario.name] ?? [];
  if (list.length === 0) continue;
  const ok = list.filter((r) => !r.error);
  if (ok.length === 0) {
    results[scenario.name] = /** @type {Record<string, any>} */ (list[0]);
    continue;
  }
  const byP50 = scenario.ratio === "p50";
  ok.sort((a, b) => (byP50 ? a.p50Ms - b.p50Ms : a.recordsPerSecond - b.recordsPerSecond));
  const median = /** @type {Record<string, any>} */ (ok[Math.floor((ok.length - 1) / 2)]);
  results[scenario.name] =
    list.length === 1
      ? median
      : {
          ...median,
          rounds: list.map((r) => ({
            recordsPerSecond: r.recordsPerSecond,
            p50Ms: r.p50Ms,
            load: r.load,
            error: r.error,
          })),
        };
}

// ---- ratios and the table -----------------------------------------------------------

for (const scenario of selected) {
  const r = results[scenario.name];
  if (!r || r.error || !scenario.peers) continue;
  r.ratios = {};
  for (const [peer, peerName] of Object.entries(scenario.peers)) {
    const p = results[/** @type {string} */ (peerName)];
    if (!p || p.error) continue;
    r.ratios[peer] =
      scenario.ratio === "p50"
        ? { of: peerName, p50: round2(r.p50Ms / p.p50Ms) }
        : { of: peerName, throughput: round2(r.recordsPerSecond / p.recordsPerSecond) };
  }
}

/** @param {number} n */
function round2(n) {
  return Math.round(n * 100) / 100;
}

const rows = Object.values(results);
const cols = [
  ["scenario", (/** @type {any} */ r) => r.scenario],
  ["load", (r) => (r.load ? r.load.join("→") : "")],
  ["rec/s", (r) => r.recordsPerSecond?.toLocaleString("en-US") ?? "error"],
  ["MB/s", (r) => r.megabytesPerSecond ?? ""],
  ["p50 ms", (r) => r.p50Ms ?? ""],
  ["p99 ms", (r) => r.p99Ms ?? ""],
  ["max ms", (r) => r.maxMs ?? ""],
  ["DO req/1k", (r) => r.doRequestsPer1k ?? ""],
  ["rows w/1k", (r) => r.rowsWrittenPer1k ?? ""],
  ["rows r/1k", (r) => r.rowsReadPer1k ?? ""],
  ["$/M ev", (r) => r.usdPerMillionEvents ?? ""],
  ["srv CPU%", (r) => r.serverCpuPct ?? ""],
  ["workerd%", (r) => r.workerdCpuPct ?? ""],
  ["gen CPU%", (r) => r.clientCpuPct ?? ""],
  ...["floor", "redis", "nats", "http"].map((peer) => [
    `×${peer}`,
    (/** @type {any} */ r) => {
      const x = r.ratios?.[peer];
      if (!x) return "";
      return x.p50 !== undefined ? `${x.p50} p50` : `${x.throughput}`;
    },
  ]),
];
const cells = rows.map((r) => cols.map(([, f]) => String(/** @type {Function} */ (f)(r))));
const widths = cols.map(([h], i) => Math.max(String(h).length, ...cells.map((c) => (c[i] ?? "").length)));
const line = (/** @type {string[]} */ c) => `| ${c.map((v, i) => v.padEnd(widths[i] ?? 0)).join(" | ")} |`;
console.log(line(cols.map(([h]) => String(h))));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const c of cells) console.log(line(c));
for (const [what, why] of Object.entries(skipped)) console.log(`skipped ${what}: ${why}`);
for (const r of rows) if (r.error) console.log(`${r.scenario} failed: ${r.error.slice(0, 500)}`);
console.log(`load at start: ${uptimeStart}\nload at end:   ${uptimeEnd}`);
console.log(`prices as of ${PRICES.asOf}; $/M ev = DO requests + rows written + rows read + Worker requests`);

const file =
  opts.out ??
  join(
    fileURLToPath(new URL("./results/", import.meta.url)),
    `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`,
  );
await mkdir(join(file, ".."), { recursive: true });
const json = {
  date: new Date().toISOString(),
  quick,
  rounds,
  durationMs,
  warmupMs,
  catchUpRecords,
  uptimeStart,
  uptimeEnd,
};
await writeFile(file, `${JSON.stringify({ ...json, prices: PRICES, skipped, results: rows }, null, 2)}\n`);
console.log(`results written to ${file}`);
process.exit(failed ? 1 : 0);

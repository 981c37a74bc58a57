// Where the server's time goes: runs one produce load against Edgelog (or the floor)
// under wrangler dev and records a V8 CPU profile of the workerd isolate through
// wrangler's inspector, then prints self and inclusive time by function.
//
//   node bench/profile.mjs [--target edgelog|floor] [--batch 100] [--rf 1] [--acks 1]
//                          [--partitions 1] [--concurrency 8] [--seconds 8] [--out profile.cpuprofile]
//   node bench/profile.mjs --read 200000      (Edgelog catch-up read; the fill is not profiled)
//   node bench/profile.mjs --rf 3 --by-source  (also: the replicas' own CPU per batch,
//                                               router excluded; lib/profile-by-source.mjs)
//
// The router and the Durable Objects run in one isolate under wrangler dev, so one
// profile covers both. Time outside JavaScript (SQLite, RPC plumbing, I/O in workerd)
// shows as "(program)" or idle.

import { mkdtemp, readFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
// wrangler's own WebSocket client (a dependency of wrangler): its inspector proxy
// refuses undici's handshake.
import WebSocket from "ws";
import { startWranglerDev } from "../scripts/wrangler-dev.mjs";
import { findGroup } from "./lib/cpu.mjs";
import { startFloor } from "./lib/floor-dev.mjs";
import { agent } from "./lib/http.mjs";
import { bundleMap, splitBySource } from "./lib/profile-by-source.mjs";
import { Progress } from "./lib/progress.mjs";
import { edgelogCatchUp, edgelogProduce, floorCatchUp, floorProduce } from "./scenarios.mjs";

const { values: o } = parseArgs({
  options: {
    target: { type: "string", default: "edgelog" },
    batch: { type: "string", default: "100" },
    rf: { type: "string", default: "1" },
    acks: { type: "string", default: "1" },
    partitions: { type: "string", default: "1" },
    concurrency: { type: "string", default: "8" },
    seconds: { type: "string", default: "8" },
    out: { type: "string" },
    top: { type: "string", default: "30" },
    /** Profile a catch-up read of this many records instead of a produce load. */
    read: { type: "string" },
    /** Split the samples into the partition replicas' and the rest (Edgelog only). */
    "by-source": { type: "boolean", default: false },
  },
});

const scratch = await promisify(mkdtemp)(join(tmpdir(), "edgelog-profile-"));
const floor = o.target === "floor";
const persistTo = join(scratch, o.target ?? "edgelog");
const server = floor
  ? await startFloor(persistTo)
  : await startWranglerDev({ persistTo, vars: { EDGELOG_AUTH: "off" } });
try {
  const pgid = findGroup(persistTo);
  const cmd = readFileSync(`/proc/${pgid}/cmdline`, "utf8").split("\0");
  const inspectorPort = cmd[cmd.indexOf("--inspector-port") + 1];
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const inspector = await connect(targets[0].webSocketDebuggerUrl);
  const s = {
    name: `profile-${o.target}`,
    batch: Number(o.batch),
    rf: Number(o.rf),
    acks: String(o.acks),
    partitions: Number(o.partitions),
    concurrency: Number(o.concurrency),
  };
  const ctx = {
    durationMs: Number(o.seconds) * 1000,
    warmupMs: 1000,
    progress: new Progress(1),
    runId: Date.now().toString(36),
    pgid,
  };
  await inspector.call("Profiler.enable");
  await inspector.call("Profiler.setSamplingInterval", { interval: 200 });
  const start = () => inspector.call("Profiler.start");
  ctx.progress.start(s.name, ctx.durationMs + ctx.warmupMs);
  /** @type {Record<string, unknown>} */
  let result;
  if (o.read) {
    const readCtx = { ...ctx, records: Number(o.read), beforeMeasure: start };
    result = floor ? await floorCatchUp(readCtx, server.url, s) : await edgelogCatchUp(readCtx, server.url, s);
  } else {
    await start();
    result = floor ? await floorProduce(ctx, server.url, s) : await edgelogProduce(ctx, server.url, s);
  }
  ctx.progress.done();
  const { profile } = await inspector.call("Profiler.stop");
  inspector.close();
  if (o.out) await writeFile(o.out, JSON.stringify(profile));
  console.log(JSON.stringify({ ...s, ...result, counters: undefined }));
  report(profile, Number(o.top));
  if (o["by-source"] && !floor) reportBySource(profile, /** @type {any} */ (result));
} finally {
  await server.stop();
  await agent.close();
  await rm(scratch, { recursive: true, force: true });
}

/** @param {string} url */
async function connect(url) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let nextId = 1;
  /** @type {Map<number, (v: any) => void>} */
  const pending = new Map();
  ws.on("message", (data) => {
    const msg = JSON.parse(String(data));
    if (msg.id && pending.has(msg.id)) {
      pending.get(msg.id)?.(msg.result ?? msg);
      pending.delete(msg.id);
    }
  });
  return {
    /** @param {string} method @param {object} [params] @returns {Promise<any>} */
    call(method, params = {}) {
      const id = nextId++;
      ws.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve) => pending.set(id, resolve));
    },
    close: () => ws.close(),
  };
}

/** The partition replicas' own CPU per batch and per 1,000 records, beside the rest of
 * the isolate's. The profiler samples wall time, which a loaded machine stretches, so
 * the attributed shares are also scaled to the CPU /proc measured.
 * @param {any} profile @param {{ counters: { recordsIn: number }, serverCpuMsPer1k: number }} result */
function reportBySource(profile, result) {
  const ms = splitBySource(profile, bundleMap(join(scratch, "bundle")));
  const records = result.counters.recordsIn;
  const busy = ms.leader + ms.follower + ms.other + ms.unattributed;
  const cpuPerSampledMs = (result.serverCpuMsPer1k * records) / 1000 / busy;
  const batches = records / Number(o.batch);
  console.log(
    `\nby source (${records} records in ${Math.round(batches)} batches of ${o.batch}; 1 sampled ms = ${cpuPerSampledMs.toFixed(2)} CPU ms)`,
  );
  for (const [kind, v] of Object.entries(ms)) {
    const cpu = kind === "idle" ? "" : `${((v * cpuPerSampledMs) / batches).toFixed(3).padStart(7)} CPU ms per batch`;
    console.log(`${kind.padEnd(13)} ${v.toFixed(0).padStart(7)} sampled ms  ${cpu}`);
  }
}

/** Self and inclusive sampled time by function (name, file, line).
 * @param {{ nodes: any[], samples: number[], timeDeltas: number[] }} profile @param {number} top */
function report(profile, top) {
  /** @type {Map<number, any>} */
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  /** @type {Map<number, number>} */
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (/** @type {any} */ n) => {
    const f = n.callFrame;
    const file = f.url ? f.url.split("/").at(-1) : "";
    return `${f.functionName || "(anonymous)"} ${file}${file ? `:${f.lineNumber + 1}` : ""}`;
  };
  /** @type {Map<string, number>} */
  const self = new Map();
  /** @type {Map<string, number>} */
  const inclusive = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const id = profile.samples[i];
    const node = byId.get(id);
    self.set(key(node), (self.get(key(node)) ?? 0) + dt);
    const seen = new Set();
    for (let n = id, depth = 0; n !== undefined && depth < 500; n = parent.get(n), depth++) {
      const k = key(byId.get(n));
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  }
  const print = (/** @type {string} */ title, /** @type {Map<string, number>} */ m) => {
    console.log(`\n${title} (of ${Math.round(total)} ms sampled)`);
    for (const [k, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`${ms.toFixed(0).padStart(7)} ms ${((ms / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
  };
  print("self time", self);
  print("inclusive time", inclusive);
}

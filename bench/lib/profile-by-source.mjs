// Which part of the isolate a CPU profile's samples belong to. Under wrangler dev the
// router and every Durable Object share one isolate, so a profile mixes them; this
// maps each sample's stack through the bundle's source map to source files and counts
// a sample as a partition replica's when any of its frames is in src/partition/
// (every call into a replica, and the leader's push loop, starts there): a follower's
// when one is in follower-replication.ts. Samples with
// no JavaScript frame ("(program)": RPC plumbing, SQLite outside a call, I/O; GC) are
// counted apart: they cannot be attributed.

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";

const WRANGLER = new URL("../../node_modules/wrangler/bin/wrangler.js", import.meta.url).pathname;

/** Builds the Worker as wrangler dev does (same esbuild options, so the same lines)
 * and returns its source map. @param {string} outDir */
export function bundleMap(outDir) {
  execFileSync(process.execPath, [WRANGLER, "deploy", "--dry-run", "--outdir", outDir], { stdio: "ignore" });
  return new TraceMap(readFileSync(join(outDir, "index.js.map"), "utf8"));
}

/** Sampled ms by kind: "follower" (a frame in follower-replication.ts: a follower's
 * replicate or catch-up), "leader" (any other frame in src/partition/), "other" JavaScript
 * (router, controller, catalog, groups), "unattributed" ((program), GC) and "idle".
 * @param {{ nodes: any[], samples: number[], timeDeltas: number[] }} profile
 * @param {TraceMap} map */
export function splitBySource(profile, map) {
  /** @type {Map<number, any>} */
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  /** @type {Map<number, number>} */
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  /** @type {Map<number, string>} */
  const kindOf = new Map();
  const sourceOf = (/** @type {any} */ node) => {
    const { url, lineNumber, columnNumber } = node.callFrame;
    if (!url.endsWith("index.js") || lineNumber < 0) return null;
    return originalPositionFor(map, { line: lineNumber + 1, column: columnNumber }).source ?? null;
  };
  const kind = (/** @type {number} */ id) => {
    const known = kindOf.get(id);
    if (known) return known;
    const name = byId.get(id).callFrame.functionName;
    let result = name === "(idle)" ? "idle" : "unattributed";
    for (let n = id, depth = 0; n !== undefined && depth < 500; n = parent.get(n), depth++) {
      const source = sourceOf(byId.get(n));
      if (source?.includes("src/partition/follower-replication")) {
        result = "follower";
        break;
      }
      if (source?.includes("src/partition/")) result = "leader";
      if (result === "leader") continue;
      if (source) result = "other";
    }
    kindOf.set(id, result);
    return result;
  };
  /** @type {Record<string, number>} */
  const ms = { leader: 0, follower: 0, other: 0, unattributed: 0, idle: 0 };
  for (let i = 0; i < profile.samples.length; i++) {
    ms[kind(profile.samples[i])] += (profile.timeDeltas[i] ?? 0) / 1000;
  }
  return ms;
}

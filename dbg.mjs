import { readFileSync } from "node:fs";
import { originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
const map = new TraceMap(readFileSync("/tmp/bundle/index.js.map", "utf8"));
const profile = JSON.parse(readFileSync(process.argv[2], "utf8"));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const src = (n) => { const f = n.callFrame; if (!f.url.endsWith("index.js")) return null; const p = originalPositionFor(map, { line: f.lineNumber + 1, column: f.columnNumber }); return p.source ? `${p.source.split("/src/")[1]}:${p.line}` : null; };
const self = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  let kind = null; let outer = null;
  for (let n = id; n !== undefined; n = parent.get(n)) { const s = src(byId.get(n)); if (s?.startsWith("partition/")) { kind = s.startsWith("partition/follower") ? "F" : (kind ?? "L"); if (kind==="F") break; outer = s + " " + byId.get(n).callFrame.functionName; } }
  if (kind !== process.argv[3]) continue;
  const n = byId.get(id); const k = `${n.callFrame.functionName} ${src(n)} <- ${outer}`;
  self.set(k, (self.get(k) ?? 0) + profile.timeDeltas[i] / 1000);
}
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(v.toFixed(0).padStart(6), k);

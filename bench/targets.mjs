// The performance targets (docs/PERFORMANCE.md "Targets"), judged from one results
// file of `npm run bench`: each target's figure from the scenarios' median rounds, the
// same ratio round by round (rounds are interleaved, so round i of two scenarios ran
// close together), and met or missed. A target whose scenarios are not in the file is
// listed as not run.
//
//   npm run bench -- --rounds 3 --no-peers --out r.json <the scenarios below>
//   node bench/targets.mjs r.json

import { readFile } from "node:fs/promises";

/** @typedef {{ scenario: string, recordsPerSecond?: number, p50Ms?: number, p99Ms?: number, doRequestsPer1k?: number, rowsWrittenPer1k?: number, error?: string, rounds?: { recordsPerSecond: number, p50Ms: number }[] }} Result */

/** What a target compares: `of` scenario's figure `figure`, against `limit` or
 * against `limit` × the peer's same figure. @typedef {{ target: string, of: string, figure: "recordsPerSecond" | "p50Ms" | "p99Ms" | "doRequestsPer1k" | "rowsWrittenPer1k", peer?: string, atLeast?: number, atMost?: number }} Target */

/** @type {Target[]} */
export const TARGETS = [
  {
    target: "JSON produce b100, RF 1, acks=1, 16 in flight ≥ 0.85× the floor",
    of: "produce-rf1-b100-p16",
    figure: "recordsPerSecond",
    peer: "floor-b100",
    atLeast: 0.85,
  },
  {
    target: "binary batch produce, same records ≥ 0.95× the floor",
    of: "produce-rf1-b100-p16-batch",
    figure: "recordsPerSecond",
    peer: "floor-b100",
    atLeast: 0.95,
  },
  {
    target: "RF 3 acks=all ≥ 0.7× RF 1 acks=1 (records/s)",
    of: "produce-rf3-b100-acksall",
    figure: "recordsPerSecond",
    peer: "produce-rf1-b100",
    atLeast: 0.7,
  },
  {
    target: "RF 3 acks=all p99 ≤ 2× RF 1's",
    of: "produce-rf3-b100-acksall",
    figure: "p99Ms",
    peer: "produce-rf1-b100",
    atMost: 2,
  },
  {
    target: "RF 3 b100 acks=all ≤ 15 DO requests per 1,000 records",
    of: "produce-rf3-b100-acksall",
    figure: "doRequestsPer1k",
    atMost: 15,
  },
  {
    target: "RF 3 b100 acks=all ≤ 32 rows written per 1,000 records",
    of: "produce-rf3-b100-acksall",
    figure: "rowsWrittenPer1k",
    atMost: 32,
  },
  {
    target: "long-poll wake-up p99 ≤ 1.2× the floor's paced append p99",
    of: "longpoll-wakeup",
    figure: "p99Ms",
    peer: "floor-b1-paced",
    atMost: 1.2,
  },
  {
    target: "catch-up read ≥ 0.8× the floor's",
    of: "catchup-read",
    figure: "recordsPerSecond",
    peer: "floor-catchup",
    atLeast: 0.8,
  },
  {
    target: "single-record produce p50 ≤ 1.15× the floor's",
    of: "produce-rf1-b1-seq",
    figure: "p50Ms",
    peer: "floor-b1-seq",
    atMost: 1.15,
  },
  {
    target: "gateway produce (kafkajs, b100) ≥ 0.7× the HTTP route",
    of: "gateway-kafkajs-b100",
    figure: "recordsPerSecond",
    peer: "produce-rf1-b100",
    atLeast: 0.7,
  },
  {
    target: "gateway produce (kcat, b100) ≥ 0.7× the HTTP route",
    of: "gateway-kcat-produce",
    figure: "recordsPerSecond",
    peer: "produce-rf1-b100",
    atLeast: 0.7,
  },
  {
    target: "gateway catch-up (kcat) ≥ 100,000 records/s",
    of: "gateway-catchup-kcat",
    figure: "recordsPerSecond",
    atLeast: 100_000,
  },
];

/** @param {Target} t @param {Map<string, Result>} byName */
export function judge(t, byName) {
  const r = byName.get(t.of);
  const p = t.peer ? byName.get(t.peer) : undefined;
  if (!r || r.error || (t.peer && (!p || p.error))) return { ...t, verdict: "not run" };
  const value = /** @type {number} */ (r[t.figure]);
  const measured = p ? value / /** @type {number} */ (p[t.figure]) : value;
  const met = t.atLeast !== undefined ? measured >= t.atLeast : measured <= /** @type {number} */ (t.atMost);
  return {
    ...t,
    measured,
    value,
    peerValue: p?.[t.figure],
    rounds: roundRatios(t, r, p),
    verdict: met ? "met" : "missed",
  };
}

/** Round-by-round ratios, for the figures every round records. @param {Target} t @param {Result} r @param {Result | undefined} p */
function roundRatios(t, r, p) {
  if (!p || !r.rounds || !p.rounds || (t.figure !== "recordsPerSecond" && t.figure !== "p50Ms")) return [];
  const figure = t.figure;
  return r.rounds.flatMap((round, i) => {
    const peerRound = p.rounds?.[i];
    return peerRound && round[figure] && peerRound[figure] ? [round[figure] / peerRound[figure]] : [];
  });
}

/** @param {number} n */
const fmt = (n) => (n >= 1000 ? Math.round(n).toLocaleString("en-US") : String(Math.round(n * 100) / 100));

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: node bench/targets.mjs RESULTS.json");
    process.exit(2);
  }
  const { results, uptimeStart, uptimeEnd } = JSON.parse(await readFile(file, "utf8"));
  const byName = new Map(/** @type {Result[]} */ (results).map((r) => [r.scenario, r]));
  console.log("| target | measured | verdict |\n|---|---|---|");
  for (const j of TARGETS.map((t) => judge(t, byName))) {
    if (j.verdict === "not run") {
      console.log(`| ${j.target} | (${j.of}${j.peer ? ` or ${j.peer}` : ""} not in this run) | not run |`);
      continue;
    }
    const ratio = j.peer
      ? `**${fmt(/** @type {number} */ (j.measured))}×** (${fmt(/** @type {number} */ (j.value))} vs ${fmt(/** @type {number} */ (j.peerValue))})`
      : `**${fmt(/** @type {number} */ (j.measured))}**`;
    const rounds = j.rounds?.length ? `; rounds ${j.rounds.map(fmt).join(", ")}` : "";
    console.log(`| ${j.target} | ${ratio}${rounds} | **${j.verdict}** |`);
  }
  console.log(`\nload at start: ${uptimeStart}\nload at end:   ${uptimeEnd}`);
}

// Latency summaries and the machine's load, recorded next to every measured run.

import { loadavg } from "node:os";

/** @param {number[]} sorted ascending @param {number} p 0..100 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** @param {number} n */
const round1 = (n) => Math.round(n * 10) / 10;

/**
 * @param {number[]} latenciesMs
 * @returns {{ samples: number, p50Ms: number, p99Ms: number, maxMs: number }}
 */
export function summarize(latenciesMs) {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50Ms: round1(percentile(sorted, 50)),
    p99Ms: round1(percentile(sorted, 99)),
    maxMs: round1(sorted.at(-1) ?? 0),
  };
}

/** The 1-minute load average, as `uptime` prints it. */
export function load1() {
  return Math.round(loadavg()[0] * 100) / 100;
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

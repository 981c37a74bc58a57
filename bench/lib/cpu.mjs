// CPU time of the systems under test (Linux /proc), so each row can say how busy the
// server and the load generator were: on a 2-core machine that is what limits most
// figures, and it shows the load generator is not the bottleneck.

import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100;

/** The process group whose leader's command line holds `needle` (e.g. a persist dir).
 * @param {string} needle @returns {number | null} */
export function findGroup(needle) {
  for (const pid of pids()) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (cmd.includes(needle) && cmd.some((a) => a.endsWith("wrangler.js"))) return pid;
    } catch {
      // gone
    }
  }
  return null;
}

/** User + system CPU ms of every process in group `pgid` (or of pid `pgid` alone), in
 * all and of the workerd processes alone (the rest is wrangler's Node side).
 * @param {number | null | undefined} pgid @returns {{ all: number, workerd: number } | null} */
export function groupCpuMs(pgid) {
  if (!pgid) return null;
  let ticks = 0;
  let workerd = 0;
  for (const pid of pids()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // f[0] is field 3 (state): pgrp is field 5, utime 14, stime 15.
      if (Number(f[2]) !== pgid && pid !== pgid) continue;
      const t = Number(f[11]) + Number(f[12]);
      ticks += t;
      if (comm.startsWith("workerd")) workerd += t;
    } catch {
      // gone
    }
  }
  return { all: (ticks * 1000) / TICKS_PER_SECOND, workerd: (workerd * 1000) / TICKS_PER_SECOND };
}

function pids() {
  try {
    return readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return [];
  }
}

/** Starts a CPU window; `end()` gives server and client CPU as % of one core.
 * @param {number | null | undefined} pgid */
export function cpuWindow(pgid) {
  const wall = performance.now();
  const server = groupCpuMs(pgid);
  const client = process.cpuUsage();
  return () => {
    const ms = performance.now() - wall;
    const s = groupCpuMs(pgid);
    const c = process.cpuUsage(client);
    const known = server !== null && s !== null;
    return {
      serverCpuMs: known ? Math.round(s.all - server.all) : null,
      serverCpuPct: known ? Math.round(((s.all - server.all) / ms) * 100) : null,
      workerdCpuPct: known ? Math.round(((s.workerd - server.workerd) / ms) * 100) : null,
      clientCpuPct: Math.round(((c.user + c.system) / 1000 / ms) * 100),
    };
  };
}

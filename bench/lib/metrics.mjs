// Scrapes GET /metrics (Prometheus text) and sums a topic's per-replica counters, so a
// scenario's DO requests and SQLite rows are the difference of two scrapes.

import { send } from "./http.mjs";

/** @typedef {{ requests: number, rowsWritten: number, rowsRead: number, recordsIn: number, recordsOut: number, replicas: number }} TopicCounters */

const NAMES = {
  edgelog_do_requests_total: "requests",
  edgelog_sqlite_rows_written_total: "rowsWritten",
  edgelog_sqlite_rows_read_total: "rowsRead",
  edgelog_records_in_total: "recordsIn",
  edgelog_records_out_total: "recordsOut",
};

/**
 * @param {string} baseUrl
 * @param {string} topic
 * @returns {Promise<TopicCounters>}
 */
export async function scrapeTopic(baseUrl, topic) {
  const { text } = await send("GET", `${baseUrl}/metrics`);
  /** @type {TopicCounters} */
  const sums = { requests: 0, rowsWritten: 0, rowsRead: 0, recordsIn: 0, recordsOut: 0, replicas: 0 };
  const needle = `topic="${topic}"`;
  for (const line of text.split("\n")) {
    if (!line.includes(needle)) continue;
    const match = /^(\w+)\{[^}]*\}\s+(\S+)$/.exec(line);
    if (!match) continue;
    const key = NAMES[/** @type {keyof typeof NAMES} */ (match[1])];
    if (key) sums[/** @type {keyof TopicCounters} */ (key)] += Number(match[2]);
    if (match[1] === "edgelog_do_requests_total") sums.replicas += 1;
  }
  return sums;
}

/**
 * after − before. A replica does not count the `metrics()` call of a scrape among its
 * requests, so nothing needs taking off.
 * @param {TopicCounters} before @param {TopicCounters} after
 * @returns {TopicCounters}
 */
export function delta(before, after) {
  return {
    requests: after.requests - before.requests,
    rowsWritten: after.rowsWritten - before.rowsWritten,
    rowsRead: after.rowsRead - before.rowsRead,
    recordsIn: after.recordsIn - before.recordsIn,
    recordsOut: after.recordsOut - before.recordsOut,
    replicas: after.replicas,
  };
}

// Produce latency on a large topic while its replica compacts it, against the same load
// on the same-sized topic that is never compacted: what compaction's bounded steps cost
// a producer. Both fill one partition with ctx.records records over COMPACTED_KEYS keys,
// then run the produce load on the same keys, so the compacted one keeps cleaning.

import { postJson, send } from "./lib/http.mjs";
import { delta, scrapeTopic } from "./lib/metrics.mjs";
import { load1 } from "./lib/stats.mjs";
import { closedLoop, costs, fill, RECORD_BYTES, row } from "./scenarios.mjs";

/** Keys of the filled topic and of the load: each key is overwritten ~records/1,000 times. */
const COMPACTED_KEYS = 1_000;
const FILL_BATCH = 500;
const LOAD_BATCH = 100;
const CONCURRENCY = 8;
const VALUE = "x".repeat(RECORD_BYTES - 2);

/** @param {number} batch @param {() => number} nextKey */
function keyedBody(batch, nextKey) {
  return JSON.stringify({ records: Array.from({ length: batch }, () => ({ key: `c${nextKey()}`, value: VALUE })) });
}

/** Sums a topic's compaction series from /metrics. @param {string} baseUrl @param {string} topic */
async function compactionCounters(baseUrl, topic) {
  const { text } = await send("GET", `${baseUrl}/metrics`);
  const sums = { passes: 0, recordsRemoved: 0, bytesRemoved: 0, rowsRewritten: 0, passMs: 0, dirtyRatio: 0 };
  const names = {
    edgelog_compaction_passes_total: "passes",
    edgelog_compaction_records_removed_total: "recordsRemoved",
    edgelog_compaction_bytes_removed_total: "bytesRemoved",
    edgelog_compaction_rows_rewritten_total: "rowsRewritten",
    edgelog_compaction_pass_ms_total: "passMs",
    edgelog_compaction_dirty_ratio: "dirtyRatio",
  };
  for (const line of text.split("\n")) {
    const match = /^(\w+)\{topic="([^"]+)"[^}]*\}\s+(\S+)$/.exec(line);
    const key = match && match[2] === topic ? names[/** @type {keyof typeof names} */ (match[1])] : undefined;
    if (key) sums[/** @type {keyof typeof sums} */ (key)] += Number(match?.[3]);
  }
  return sums;
}

/**
 * @param {import("./scenarios.mjs").Ctx & { records: number }} ctx @param {string} baseUrl
 * @param {{ name: string, compacted: boolean }} s
 */
export async function produceOnFilled(ctx, baseUrl, s) {
  const topic = `bench-${s.name}-${ctx.runId}`;
  const config = s.compacted ? { cleanupPolicy: "compact", minCleanableDirtyRatio: 0.5 } : { retentionMs: -1 };
  await postJson(`${baseUrl}/v1/topics`, { name: topic, partitions: 1, ...config });
  let key = 0;
  const nextKey = () => key++ % COMPACTED_KEYS;
  const url = `${baseUrl}/v1/topics/${topic}/partitions/0/records?acks=1`;
  ctx.progress.say(`  filling ${ctx.records.toLocaleString("en-US")} records over ${COMPACTED_KEYS} keys…`);
  await fill(ctx.progress, ctx.records, FILL_BATCH, async () => {
    await send("POST", url, keyedBody(FILL_BATCH, nextKey));
  });
  const before = await scrapeTopic(baseUrl, topic);
  const compactionBefore = await compactionCounters(baseUrl, topic);
  const loadBefore = load1();
  const run = await closedLoop(ctx, CONCURRENCY, async () => {
    await send("POST", url, keyedBody(LOAD_BATCH, nextKey));
    return LOAD_BATCH;
  });
  const loadAfter = load1();
  const d = delta(before, await scrapeTopic(baseUrl, topic));
  const compactionAfter = await compactionCounters(baseUrl, topic);
  return row(run, {
    concurrency: CONCURRENCY,
    load: [loadBefore, loadAfter],
    compaction: {
      passes: compactionAfter.passes - compactionBefore.passes,
      recordsRemoved: compactionAfter.recordsRemoved - compactionBefore.recordsRemoved,
      rowsRewritten: compactionAfter.rowsRewritten - compactionBefore.rowsRewritten,
      passMs: compactionAfter.passMs - compactionBefore.passMs,
      dirtyRatio: Math.round(compactionAfter.dirtyRatio * 1000) / 1000,
    },
    ...costs(d, d.recordsIn, run.requests),
  });
}

// GET /metrics (admin): Prometheus text. The router's own series, then the cluster's,
// gathered from the objects that own them with bounded fan-out: per partition the
// leader's records and bytes in/out, requests and SQLite rows; per topic the
// controller's ISR shrinks/expands and elections; per group its epoch (rebalances) and
// consumer lag.

import { Hono } from "hono";
import { catalogStub } from "../catalog/catalog-stub.js";
import { mapBounded } from "../common/bounded-map.js";
import { controllerStub } from "../controller/controller-stub.js";
import { groupDirectoryStub, groupStub } from "../group/group-stubs.js";
import { replicaStub } from "../partition/replica-stub.js";
import type { ReplicaMetrics } from "../partition/replica-types.js";
import { isCompacted, type TopicDescription, type TopicListing } from "../protocol/topic.js";
import type { AppEnv } from "./context.js";
import { withLag } from "./group-lag.js";
import { renderRouterMetrics } from "./metrics-registry.js";

/** Objects one scrape asks at most; the rest is left out (and counted). */
const MAX_SCRAPED_TOPICS = 200;
const MAX_SCRAPED_GROUPS = 200;

type Family = { help: string; type: "counter" | "gauge"; samples: string[] };

export const metricsRoutes = new Hono<AppEnv>().get("/metrics", async (c) => {
  const limits = c.get("limits");
  const families = new Map<string, Family>();
  const add = (name: string, type: Family["type"], help: string, labels: string, value: number) => {
    const family = families.get(name) ?? { help, type, samples: [] };
    family.samples.push(`${name}{${labels}} ${value}`);
    families.set(name, family);
  };
  const topics = (await catalogStub(c.env).listTopics()).slice(0, MAX_SCRAPED_TOPICS);
  await mapBounded(topics, limits.maxFanOut, async (topic) => {
    const described = await controllerStub(c.env, topic.topicId).describe();
    if (!described.ok) return;
    addTopic(add, described.description);
    const replicas = described.description.partitions.flatMap((p) => p.replicas.map((r) => [p.partition, r] as const));
    await mapBounded(replicas, limits.maxFanOut, async ([partition, replica]) => {
      const m = await replicaStub(c.env, topic.topicId, topic.config, partition, replica)
        .metrics()
        .catch(() => null);
      if (m?.ok) addReplica(add, topic, partition, replica, m);
    });
  });
  const groups = (await groupDirectoryStub(c.env).list()).slice(0, MAX_SCRAPED_GROUPS);
  await mapBounded(groups, limits.maxFanOut, async (groupId) => {
    const described = await groupStub(c.env, groupId).describe();
    if (!described.ok) return;
    const g = `group="${groupId}"`;
    add(
      "edgelog_group_rebalances_total",
      "counter",
      "Group epoch bumps (rebalances) of a consumer group.",
      g,
      described.description.groupEpoch,
    );
    add("edgelog_group_members", "gauge", "Members of a consumer group.", g, described.description.members.length);
    for (const o of await withLag(c.env, limits, described.offsets)) {
      if (o.lag === null) continue;
      add(
        "edgelog_consumer_lag",
        "gauge",
        "highWatermark minus committed offset.",
        `${g},topic="${o.topic}",partition="${o.partition}"`,
        o.lag,
      );
    }
  });
  const lines = renderRouterMetrics();
  for (const [name, f] of families) lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`, ...f.samples);
  return c.text(`${lines.join("\n")}\n`, 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
});

type Add = (name: string, type: Family["type"], help: string, labels: string, value: number) => void;

function addTopic(add: Add, d: TopicDescription): void {
  const t = `topic="${d.name}"`;
  add(
    "edgelog_isr_shrinks_total",
    "counter",
    "ISR shrinks applied by the topic's controller.",
    t,
    d.counters.isrShrinks,
  );
  add(
    "edgelog_isr_expands_total",
    "counter",
    "ISR expansions applied by the topic's controller.",
    t,
    d.counters.isrExpands,
  );
  add("edgelog_elections_total", "counter", "Leader elections run by the topic's controller.", t, d.counters.elections);
}

/** Every replica's own series (a replica restarted by Cloudflare starts from zero,
 * which Prometheus counters allow). */
function addReplica(add: Add, topic: TopicListing, partition: number, replica: number, m: ReplicaMetrics): void {
  const l = `topic="${topic.name}",partition="${partition}",replica="${replica}",role="${m.role}"`;
  add("edgelog_records_in_total", "counter", "Records appended through this replica as leader.", l, m.recordsIn);
  add("edgelog_bytes_in_total", "counter", "Record bytes appended through this replica as leader.", l, m.bytesIn);
  add("edgelog_records_out_total", "counter", "Records this replica served to fetches.", l, m.recordsOut);
  add("edgelog_bytes_out_total", "counter", "Record bytes this replica served to fetches.", l, m.bytesOut);
  add(
    "edgelog_do_requests_total",
    "counter",
    "RPC calls this replica answered (Durable Object requests).",
    l,
    m.requests,
  );
  add("edgelog_sqlite_rows_read_total", "counter", "SQLite rows read by this replica.", l, m.rowsRead);
  add("edgelog_sqlite_rows_written_total", "counter", "SQLite rows written by this replica.", l, m.rowsWritten);
  add("edgelog_high_watermark", "gauge", "This replica's highWatermark.", l, m.highWatermark);
  add("edgelog_log_end_offset", "gauge", "This replica's logEndOffset.", l, m.logEndOffset);
  add("edgelog_log_start_offset", "gauge", "This replica's logStartOffset.", l, m.logStartOffset);
  if (isCompacted(topic.config)) addCompaction(add, l, m);
}

/** A compacted topic's replicas: what their cleaning removed and rewrote. */
function addCompaction(add: Add, l: string, m: ReplicaMetrics): void {
  add("edgelog_compaction_passes_total", "counter", "Compaction passes this replica applied.", l, m.compactionPasses);
  add(
    "edgelog_compaction_pass_ms_total",
    "counter",
    "Time from the first to the last cleaning step of each pass, summed.",
    l,
    m.compactionPassMs,
  );
  add(
    "edgelog_compaction_records_removed_total",
    "counter",
    "Records compaction removed.",
    l,
    m.compactionRecordsRemoved,
  );
  add(
    "edgelog_compaction_bytes_removed_total",
    "counter",
    "Stored bytes compaction removed.",
    l,
    m.compactionBytesRemoved,
  );
  add(
    "edgelog_compaction_rows_rewritten_total",
    "counter",
    "SQLite rows compaction rewrote.",
    l,
    m.compactionRowsRewritten,
  );
  add(
    "edgelog_compaction_dirty_ratio",
    "gauge",
    "Stored bytes not yet compacted over all stored bytes.",
    l,
    m.dirtyRatio,
  );
}

// One line per topic for the overview and the topics list, from each topic's
// description (partitions' offsets, sizes and ISR), asked a few topics at a time.

import type { Admin, TopicDescription } from "../client/index.js";
import { mapBounded } from "../common/bounded-map.js";

export interface TopicSummary {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Records between logStartOffset and highWatermark, summed; -1 if a leader was silent. */
  records: number;
  sizeBytes: number;
  /** Partitions whose ISR is smaller than their replica set. */
  underReplicated: number;
  /** Partitions with no leader. */
  offline: number;
}

const PARALLEL_DESCRIBES = 6;
/** The console summarizes at most this many topics; past it, it says so. */
export const MAX_SUMMARIZED_TOPICS = 200;

export async function topicSummaries(admin: Admin): Promise<{ summaries: TopicSummary[]; total: number }> {
  const listing = await admin.listTopics();
  const names = listing.map((t) => t.name).sort();
  const described = await mapBounded(names.slice(0, MAX_SUMMARIZED_TOPICS), PARALLEL_DESCRIBES, (name) =>
    admin.describeTopic(name),
  );
  return { summaries: described.map(summarize), total: names.length };
}

/** The sum, or -1 ("unknown") when any value is -1 (a leader that did not answer). */
export function sumKnown(values: number[]): number {
  return values.some((v) => v < 0) ? -1 : values.reduce((a, b) => a + b, 0);
}

export function summarize(topic: TopicDescription): TopicSummary {
  return {
    name: topic.name,
    partitions: topic.partitions.length,
    replicationFactor: topic.config.replicationFactor,
    records: sumKnown(topic.partitions.map((p) => (p.highWatermark < 0 ? -1 : p.highWatermark - p.logStartOffset))),
    sizeBytes: sumKnown(topic.partitions.map((p) => p.sizeBytes)),
    underReplicated: topic.partitions.filter((p) => p.isr.length < p.replicas.length).length,
    offline: topic.partitions.filter((p) => p.leader < 0).length,
  };
}

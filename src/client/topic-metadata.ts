// Partition counts of topics, cached for the producer's partitioner. A count is
// re-read once it is older than metadataMaxAgeMs, or at once when a partition turns
// out not to exist (partitions were added, or the topic was re-created).

import { type RetryOptions, withRetry } from "./retry.js";
import { segment, type Transport } from "./transport.js";

const MAX_CACHED_TOPICS = 10_000;

export class TopicMetadataCache {
  private readonly counts = new Map<string, { partitions: number; readAtMs: number }>();

  constructor(
    private readonly transport: Transport,
    private readonly retry: RetryOptions,
    private readonly metadataMaxAgeMs: number,
  ) {}

  async partitionCount(topic: string, refresh = false): Promise<number> {
    const cached = this.counts.get(topic);
    if (cached && !refresh && Date.now() - cached.readAtMs < this.metadataMaxAgeMs) return cached.partitions;
    const description = await withRetry(this.retry, () =>
      this.transport.request<{ partitions: unknown[] }>("GET", `/v1/topics/${segment(topic)}`),
    );
    if (this.counts.size >= MAX_CACHED_TOPICS) this.counts.clear();
    this.counts.set(topic, { partitions: description.partitions.length, readAtMs: Date.now() });
    return description.partitions.length;
  }
}

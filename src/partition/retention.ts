// Retention by time and by size, as the partition leader runs it from its alarm: when
// the next run is due, and which logStartOffset a run chooses. Choosing deletes nothing:
// replication commits the choice once the ISR holds it (leader-replication.ts).

import type { Clock } from "../common/clock.js";
import type { Limits } from "../protocol/limits.js";
import { deletesByRetention } from "../protocol/topic.js";
import type { PartitionLog } from "./partition-log.js";
import type { ReplicaConfig } from "./replica-types.js";

/** Batches one run looks at; more are left to the next run. */
const RETENTION_BATCHES_PER_RUN = 5_000;

export class Retention {
  /** The clock time record timestamps are compared with: the replica's clock, which
   * tests may move for this comparison alone, to expire records on one replica only. */
  nowMs: () => number;

  constructor(
    private readonly limits: Limits,
    clock: Clock,
  ) {
    this.nowMs = () => clock.now();
  }

  /** The stored size a log may keep: retentionBytes, capped by maxReplicaBytes (only
   * the cap on a topic whose cleanupPolicy is "compact" alone). */
  maxLogBytes(config: ReplicaConfig): number {
    return config.retentionBytes < 0 || !deletesByRetention(config)
      ? this.limits.maxReplicaBytes
      : Math.min(config.retentionBytes, this.limits.maxReplicaBytes);
  }

  /** The logStartOffset a run chooses now. */
  chooseLogStartOffset(log: PartitionLog, config: ReplicaConfig): number {
    const deleteBefore = retentionMsOf(config) < 0 ? Number.NEGATIVE_INFINITY : this.nowMs() - config.retentionMs;
    return log.retentionPoint(deleteBefore, this.maxLogBytes(config), RETENTION_BATCHES_PER_RUN);
  }

  /** When the next run is due, on the alarm's clock (`alarmNowMs`): now when the log
   * is over its size limit, else when its oldest batch expires; null when never. A batch
   * expires once it is older than retentionMs, so 1 ms after oldest + retentionMs: a run
   * at exactly that time would delete nothing and have to run again. */
  nextRunAtMs(log: PartitionLog, config: ReplicaConfig, alarmNowMs: number): number | null {
    if (log.sizeBytes > this.maxLogBytes(config)) return alarmNowMs;
    const oldest = retentionMsOf(config) < 0 ? null : log.oldestBatchTimestamp();
    if (oldest === null) return null;
    return alarmNowMs + Math.max(0, oldest + config.retentionMs + 1 - this.nowMs());
  }
}

/** retentionMs as retention applies it: -1 (forever) on a topic compacted alone. */
function retentionMsOf(config: ReplicaConfig): number {
  return deletesByRetention(config) ? config.retentionMs : -1;
}

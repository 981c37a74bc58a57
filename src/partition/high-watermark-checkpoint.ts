// Lazy highWatermark checkpoints, as Kafka takes them
// (replica.high.watermark.checkpoint.interval.ms): a replica of a replicated partition
// writes its highWatermark to log_state at most once per interval, not on every move,
// which cost one SQLite row per replica per replication round.
//
// Why a stale checkpoint is safe: it is only ever lower than the highWatermark last
// reported, and the records between it and the logEndOffset stay in the log (a restart
// truncates nothing). After a restart, reads of them wait or come back empty, never
// OFFSET_OUT_OF_RANGE, until the leader's first round with the ISR raises the
// highWatermark past them again; retention only deletes below the highWatermark.

import type { TimerClock } from "../common/clock.js";

export class HighWatermarkCheckpoint {
  private cancelPending: (() => void) | null = null;

  /** `write` stores the current highWatermark (one row), if it moved since the last. */
  constructor(
    private readonly clock: TimerClock,
    private readonly intervalMs: number,
    private readonly write: () => void,
  ) {}

  /** The highWatermark moved: it is written within intervalMs, once for every move
   * meanwhile. */
  moved(): void {
    this.cancelPending ??= this.clock.setTimeout(() => {
      this.cancelPending = null;
      this.write();
    }, this.intervalMs);
  }

  /** Forgets the pending write: what it would store is gone (a restart or a delete). */
  cancel(): void {
    this.cancelPending?.();
    this.cancelPending = null;
  }
}

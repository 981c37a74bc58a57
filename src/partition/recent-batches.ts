// The newest stored batches of a replica, in memory: a leader pushes what it has just
// appended, and without this it read every batch back from SQLite right after writing
// it (a third of the leader's SQLite time at RF 3 in the CPU profile). Only batches not
// yet committed are kept, and the newest one.

import { invariant } from "../common/invariant.js";
import type { ReplicatedBatch } from "./partition-log.js";

/** Enough for followers a few batches behind; locally every replica of a run shares
 * one isolate's memory, so the cache stays small (a miss only costs a read). */
const MAX_BATCHES = 256;
const MAX_BYTES = 1024 * 1024;

/** A run of stored batches, dense in offsets, always ending at the logEndOffset. */
export class RecentBatches {
  private batches: ReplicatedBatch[] = [];
  private bytes = 0;

  /** A batch just stored at the logEndOffset; the oldest are dropped past the bounds. */
  add(batch: ReplicatedBatch): void {
    const last = this.batches.at(-1);
    if (last && last.lastOffset + 1 !== batch.baseOffset) this.clear();
    this.batches.push(batch);
    this.bytes += batch.payload.length;
    while (this.batches.length > 1 && (this.batches.length > MAX_BATCHES || this.bytes > MAX_BYTES)) {
      this.bytes -= this.batches.shift()!.payload.length;
    }
  }

  /** Batches wholly below `offset` (the highWatermark: every in-sync replica has them)
   * are no longer pushed; the newest stays for reads and epoch lookups at the tail. */
  release(offset: number): void {
    while (this.batches.length > 1 && this.batches[0]!.lastOffset < offset) {
      this.bytes -= this.batches.shift()!.payload.length;
    }
  }

  /** The log lost batches (truncation, retention): nothing cached is trusted. */
  clear(): void {
    this.batches = [];
    this.bytes = 0;
  }

  /** Every stored batch with baseOffset ≥ `fromOffset` (what `WHERE base_offset >= ?`
   * gives), or null when some of them may be older than this run. */
  from(fromOffset: number, logEndOffset: number): ReplicatedBatch[] | null {
    return this.slice(fromOffset, logEndOffset, (b) => b.baseOffset >= fromOffset);
  }

  /** Every stored batch from the one holding `offset` on, or null when that one may be
   * older than this run. */
  holding(offset: number, logEndOffset: number): ReplicatedBatch[] | null {
    return this.slice(offset, logEndOffset, (b) => b.lastOffset >= offset);
  }

  private slice(
    offset: number,
    logEndOffset: number,
    keep: (batch: ReplicatedBatch) => boolean,
  ): ReplicatedBatch[] | null {
    const first = this.batches[0];
    if (!first || first.baseOffset > offset) return null;
    invariant(this.batches.at(-1)!.lastOffset + 1 === logEndOffset, "recent batches end at the logEndOffset");
    const start = this.batches.findIndex(keep);
    return start < 0 ? [] : this.batches.slice(start);
  }

  /** The leaderEpoch of the batch holding `offset`, or null when it is not cached. */
  epochAt(offset: number): number | null {
    for (let i = this.batches.length - 1; i >= 0; i--) {
      const batch = this.batches[i]!;
      if (batch.lastOffset < offset) return null;
      if (batch.baseOffset <= offset) return batch.leaderEpoch;
    }
    return null;
  }
}

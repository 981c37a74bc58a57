// Long-poll fetches parked on a replica until the highWatermark passes their offset,
// their wait runs out, or the router cancels them (a sibling partition answered).

import type { TimerClock } from "../common/clock.js";

interface Waiter {
  offset: number;
  waitKey: string | null;
  cancelTimer: () => void;
  wake: () => void;
}

/** Cancelled waitKeys remembered, so that a fetch whose cancel overtook it (calls on
 * different stubs have no order) does not park at all. */
const MAX_CANCELLED_KEYS = 1_000;

export class FetchWaiters {
  private readonly waiters = new Set<Waiter>();
  private readonly cancelled = new Set<string>();

  constructor(
    private readonly maxWaiters: number,
    private readonly clock: TimerClock,
  ) {}

  get size(): number {
    return this.waiters.size;
  }

  /** Resolves when data past `offset` may be readable, after `maxWaitMs`, or when
   * cancelled. Resolves at once when the replica already parks maxWaiters fetches. */
  wait(offset: number, maxWaitMs: number, waitKey: string | null): Promise<void> {
    if (maxWaitMs <= 0 || this.waiters.size >= this.maxWaiters) return Promise.resolve();
    if (waitKey !== null && this.cancelled.has(waitKey)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = { offset, waitKey, cancelTimer: () => {}, wake: resolve };
      this.waiters.add(waiter);
      waiter.cancelTimer = this.clock.setTimeout(() => this.release(waiter), maxWaitMs);
    });
  }

  /** Wakes every waiter whose offset is now below the highWatermark. */
  notify(highWatermark: number): void {
    for (const waiter of this.waiters) if (waiter.offset < highWatermark) this.release(waiter);
  }

  cancel(waitKey: string): number {
    this.cancelled.add(waitKey);
    if (this.cancelled.size > MAX_CANCELLED_KEYS) this.cancelled.delete(this.cancelled.values().next().value!);
    let cancelled = 0;
    for (const waiter of this.waiters) {
      if (waiter.waitKey !== waitKey) continue;
      this.release(waiter);
      cancelled++;
    }
    return cancelled;
  }

  releaseAll(): void {
    for (const waiter of this.waiters) this.release(waiter);
  }

  private release(waiter: Waiter): void {
    if (!this.waiters.delete(waiter)) return;
    waiter.cancelTimer();
    waiter.wake();
  }
}

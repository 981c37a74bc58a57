// Long-poll fetches parked on a replica until the highWatermark passes their offset,
// their wait runs out, or the router cancels them (a sibling partition answered).

interface Waiter {
  offset: number;
  waitKey: string | null;
  timer: ReturnType<typeof setTimeout>;
  wake: () => void;
}

export class FetchWaiters {
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly maxWaiters: number) {}

  get size(): number {
    return this.waiters.size;
  }

  /** Resolves when data past `offset` may be readable, after `maxWaitMs`, or when
   * cancelled. Resolves at once when the replica already parks maxWaiters fetches. */
  wait(offset: number, maxWaitMs: number, waitKey: string | null): Promise<void> {
    if (maxWaitMs <= 0 || this.waiters.size >= this.maxWaiters) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = {
        offset,
        waitKey,
        timer: setTimeout(() => this.release(waiter), maxWaitMs),
        wake: resolve,
      };
      this.waiters.add(waiter);
    });
  }

  /** Wakes every waiter whose offset is now below the highWatermark. */
  notify(highWatermark: number): void {
    for (const waiter of this.waiters) if (waiter.offset < highWatermark) this.release(waiter);
  }

  cancel(waitKey: string): number {
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
    clearTimeout(waiter.timer);
    waiter.wake();
  }
}

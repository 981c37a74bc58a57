// The produces with acks=all waiting for the highWatermark to pass their last offset,
// each bounded by ackTimeoutMs.

import type { TimerClock } from "../common/clock.js";
import { type ErrorData, failure, type Result } from "../protocol/errors.js";

interface CommitWaiter {
  lastOffset: number;
  resolve: (result: Result<object>) => void;
  cancelTimer: () => void;
}

export class CommitWaiters {
  private readonly waiters = new Set<CommitWaiter>();

  constructor(
    private readonly clock: TimerClock,
    private readonly ackTimeoutMs: number,
  ) {}

  /** Resolves once `covered` passes `lastOffset`, with REQUEST_TIMED_OUT after
   * ackTimeoutMs, or with the error `failAll` gives. */
  wait(lastOffset: number): Promise<Result<object>> {
    return new Promise((resolve) => {
      const waiter: CommitWaiter = { lastOffset, resolve, cancelTimer: () => {} };
      this.waiters.add(waiter);
      const timedOut = failure("REQUEST_TIMED_OUT", `the ISR did not replicate offset ${lastOffset} in time`);
      waiter.cancelTimer = this.clock.setTimeout(() => this.settle(waiter, timedOut), this.ackTimeoutMs);
    });
  }

  /** The highWatermark moved to `highWatermark`: the waiters below it are answered. */
  covered(highWatermark: number): void {
    for (const waiter of this.waiters) {
      if (waiter.lastOffset < highWatermark) this.settle(waiter, { ok: true });
    }
  }

  failAll(error: ErrorData): void {
    for (const waiter of this.waiters) this.settle(waiter, { ok: false, error });
  }

  private settle(waiter: CommitWaiter, result: Result<object>): void {
    if (!this.waiters.delete(waiter)) return;
    waiter.cancelTimer();
    waiter.resolve(result);
  }
}

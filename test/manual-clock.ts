import type { Clock } from "../src/common/clock.js";

/** Time that moves only when told: for tests of deadlines, without sleeping. */
export class ManualClock implements Clock {
  constructor(private nowMs: number) {}

  now(): number {
    return this.nowMs;
  }

  advance(ms: number): void {
    this.nowMs += ms;
  }
}

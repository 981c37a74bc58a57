import type { TimerClock } from "../src/common/clock.js";

interface Pending {
  dueAtMs: number;
  callback: () => void;
}

/** Time that moves only when told: for tests of deadlines, without sleeping. Callbacks
 * run, in due order, when advance() passes their time. */
export class ManualClock implements TimerClock {
  private readonly pending = new Set<Pending>();

  constructor(private nowMs: number) {}

  now(): number {
    return this.nowMs;
  }

  setTimeout(callback: () => void, delayMs: number): () => void {
    const entry = { dueAtMs: this.nowMs + Math.max(0, delayMs), callback };
    this.pending.add(entry);
    return () => this.pending.delete(entry);
  }

  advance(ms: number): void {
    this.nowMs += ms;
    const due = [...this.pending].filter((p) => p.dueAtMs <= this.nowMs).sort((a, b) => a.dueAtMs - b.dueAtMs);
    for (const entry of due) {
      if (this.pending.delete(entry)) entry.callback();
    }
  }
}

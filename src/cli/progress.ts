// Progress of a long produce or consume on stderr: a line that rewrites itself each
// second on a terminal, and one summary line at the end either way.

import { note } from "./context.js";

const INTERVAL_MS = 1_000;

export class Progress {
  private count = 0;
  private readonly startedMs = Date.now();
  private lastShownMs = Date.now();
  private readonly live = process.stderr.isTTY === true;

  constructor(private readonly verb: string) {}

  add(n: number): void {
    this.count += n;
    const now = Date.now();
    if (this.live && now - this.lastShownMs >= INTERVAL_MS) {
      this.lastShownMs = now;
      process.stderr.write(`\r${this.verb} ${records(this.count)} (${this.rate()} records/s)`);
    }
  }

  get total(): number {
    return this.count;
  }

  done(where: string): void {
    if (this.live) process.stderr.write("\r\u001b[K");
    const seconds = ((Date.now() - this.startedMs) / 1000).toFixed(1);
    note(`${this.verb} ${records(this.count)} ${where} in ${seconds} s (${this.rate()} records/s)`);
  }

  /** Two significant digits below 10 records/s, so a slow trickle is not shown as 0. */
  private rate(): string {
    const perSecond = this.count / Math.max(0.001, (Date.now() - this.startedMs) / 1000);
    return perSecond >= 10 ? String(Math.round(perSecond)) : String(Number(perSecond.toPrecision(2)));
  }
}

export function records(count: number): string {
  return `${count} ${count === 1 ? "record" : "records"}`;
}

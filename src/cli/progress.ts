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
      process.stderr.write(`\r${this.verb} ${this.count} records (${this.rate()} records/s)`);
    }
  }

  get total(): number {
    return this.count;
  }

  done(where: string): void {
    if (this.live) process.stderr.write("\r\u001b[K");
    const seconds = ((Date.now() - this.startedMs) / 1000).toFixed(1);
    note(`${this.verb} ${this.count} records ${where} in ${seconds} s (${this.rate()} records/s)`);
  }

  private rate(): number {
    return Math.round(this.count / Math.max(0.001, (Date.now() - this.startedMs) / 1000));
  }
}

// A progress line on stderr while scenarios run: redrawn in place on a terminal,
// one line per scenario otherwise (CI logs, the smoke test).

const tty = Boolean(process.stderr.isTTY);

export class Progress {
  /** @param {number} total */
  constructor(total) {
    this.total = total;
    this.index = 0;
    this.name = "";
    this.started = 0;
    this.plannedMs = 0;
    this.records = 0;
    /** @type {NodeJS.Timeout | undefined} */
    this.timer = undefined;
  }

  /** @param {string} name @param {number} plannedMs */
  start(name, plannedMs) {
    this.index += 1;
    this.name = name;
    this.started = performance.now();
    this.plannedMs = plannedMs;
    this.records = 0;
    if (!tty) {
      process.stderr.write(`[${this.index}/${this.total}] ${name} (~${(plannedMs / 1000).toFixed(1)} s)\n`);
      return;
    }
    clearInterval(this.timer);
    this.timer = setInterval(() => this.draw(), 250);
    this.timer.unref();
  }

  /** @param {number} n records done so far in this scenario */
  add(n) {
    this.records += n;
  }

  draw() {
    const s = (performance.now() - this.started) / 1000;
    const rate = s > 0 ? Math.round(this.records / s).toLocaleString("en-US") : "0";
    const line = `[${this.index}/${this.total}] ${this.name}  ${s.toFixed(1)}/${(this.plannedMs / 1000).toFixed(1)} s  ${rate} rec/s`;
    process.stderr.write(`\r\x1b[2K${line}`);
  }

  /** @param {string} [note] */
  done(note = "") {
    clearInterval(this.timer);
    if (tty) process.stderr.write(`\r\x1b[2K`);
    if (note) process.stderr.write(`  ${this.name}: ${note}\n`);
  }

  /** @param {string} message */
  say(message) {
    if (tty) process.stderr.write(`\r\x1b[2K`);
    process.stderr.write(`${message}\n`);
  }
}

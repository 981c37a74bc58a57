// The benchmark runs end to end: one tiny named scenario as a child process (its own
// wrangler dev, no peers), checked through the JSON it writes. Not a performance test.

import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

it("runs one tiny produce scenario and writes its JSON", { timeout: 120_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), "edgelog-bench-smoke-"));
  try {
    const out = join(dir, "result.json");
    const args = ["bench/run.mjs", "--scenario", "produce-rf1-b100", "--duration-ms", "500", "--out", out];
    const { stdout } = await run(process.execPath, args, { cwd: ROOT, timeout: 110_000 });
    expect(stdout).toContain("produce-rf1-b100");
    const json = JSON.parse(await readFile(out, "utf8"));
    expect(json.uptimeStart).toMatch(/load average/);
    expect(json.prices.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(json.results).toHaveLength(1);
    const [r] = json.results;
    expect(r).toMatchObject({ scenario: "produce-rf1-b100", system: "edgelog" });
    expect(r.error).toBeUndefined();
    expect(r.recordsPerSecond).toBeGreaterThan(0);
    expect(r.p50Ms).toBeGreaterThan(0);
    expect(r.p99Ms).toBeGreaterThanOrEqual(r.p50Ms);
    expect(r.load).toHaveLength(2);
    // One row written and one DO request per batch of 100 (RF 1, acks=1), give or take
    // the alarm-task table.
    expect(r.counters.recordsIn).toBeGreaterThan(0);
    expect(r.doRequestsPer1k).toBeGreaterThan(9);
    expect(r.doRequestsPer1k).toBeLessThan(15);
    expect(r.rowsWrittenPer1k).toBeGreaterThan(9);
    expect(r.rowsWrittenPer1k).toBeLessThan(15);
    expect(r.usdPerMillionEvents).toBeGreaterThan(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

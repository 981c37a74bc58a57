// The target verdicts of bench/targets.mjs: ratios against the peer scenario of the
// same run, met or missed on the right side of the limit, and "not run" when a
// scenario is missing or failed.

import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module of the benchmark, without types.
import { judge, TARGETS } from "../../bench/targets.mjs";

interface Target {
  target: string;
  of: string;
  peer?: string;
}
const targets = TARGETS as Target[];
const find = (of: string, peer?: string) => targets.find((t) => t.of === of && t.peer === peer)!;

const results = (list: Record<string, unknown>[]) => new Map(list.map((r) => [r.scenario as string, r]));

describe("bench targets", () => {
  it("judges a throughput ratio against its floor, and round by round", () => {
    const t = find("produce-rf1-b100-p16", "floor-b100");
    const run = (edgelog: number) =>
      judge(
        t,
        results([
          {
            scenario: "floor-b100",
            recordsPerSecond: 100,
            rounds: [{ recordsPerSecond: 100 }, { recordsPerSecond: 200 }],
          },
          {
            scenario: "produce-rf1-b100-p16",
            recordsPerSecond: edgelog,
            rounds: [{ recordsPerSecond: 90 }, { recordsPerSecond: 100 }],
          },
        ]),
      );
    expect(run(85)).toMatchObject({ verdict: "met", measured: 0.85, rounds: [0.9, 0.5] });
    expect(run(84)).toMatchObject({ verdict: "missed", measured: 0.84 });
  });

  it("judges an upper bound, on a ratio and on an absolute figure", () => {
    const p99 = find("longpoll-wakeup", "floor-b1-paced");
    const pair = (wakeUpMs: number) =>
      results([
        { scenario: "floor-b1-paced", p99Ms: 10 },
        { scenario: "longpoll-wakeup", p99Ms: wakeUpMs },
      ]);
    expect(judge(p99, pair(12))).toMatchObject({ verdict: "met" });
    expect(judge(p99, pair(12.5))).toMatchObject({ verdict: "missed" });
    const rows = targets.find((t) => t.target.includes("rows written"))!;
    expect(judge(rows, results([{ scenario: rows.of, rowsWrittenPer1k: 30.05 }]))).toMatchObject({ verdict: "met" });
    expect(judge(rows, results([{ scenario: rows.of, rowsWrittenPer1k: 32.5 }]))).toMatchObject({ verdict: "missed" });
  });

  it("says not run for a missing or failed scenario or peer", () => {
    const t = find("catchup-read", "floor-catchup");
    expect(judge(t, results([{ scenario: "catchup-read", recordsPerSecond: 1 }])).verdict).toBe("not run");
    const failed = results([
      { scenario: "catchup-read", recordsPerSecond: 1 },
      { scenario: "floor-catchup", error: "it did not start" },
    ]);
    expect(judge(t, failed).verdict).toBe("not run");
  });
});

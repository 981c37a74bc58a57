import { describe, expect, it } from "vitest";
import { EdgelogClientError } from "../../src/client/errors.js";
import {
  type AppendJob,
  type AppendOutcome,
  MAX_MERGED_RECORDS,
  PartitionAppenders,
} from "../../src/gateway/partition-appender.js";
import { decodeBatch, encodeBatch } from "../../src/protocol/record-codec.js";

const tick = () => new Promise((resolve) => setImmediate(resolve));
const text = new TextEncoder();

/** A partition's log as Edgelog keeps it, with each call held until released. */
class HeldLog {
  readonly calls: { values: string[]; producer: unknown; acks: number }[] = [];
  private readonly held: (() => void)[] = [];
  private next = 0;
  refuse: EdgelogClientError | null = null;

  job(values: string[], options: Partial<Pick<AppendJob, "acks">> & { producerId?: number } = {}): AppendJob {
    const producer =
      options.producerId === undefined
        ? undefined
        : { producerId: options.producerId, producerEpoch: 0, baseSequence: 0 };
    return {
      acks: options.acks ?? 1,
      batches: [{ frame: frameOf(values), recordCount: values.length, producer }],
      send: async (frame, callProducer, acks) => {
        const stored = decodeBatch(frame).records.map((r) => new TextDecoder().decode(r.value as Uint8Array));
        this.calls.push({ values: stored, producer: callProducer, acks });
        await new Promise<void>((resolve) => this.held.push(resolve));
        if (this.refuse && stored.length > 1) throw this.refuse;
        const base = this.next;
        this.next += stored.length;
        return acks === 0 ? null : base;
      },
    };
  }

  async release(): Promise<void> {
    await tick();
    for (const resolve of this.held.splice(0)) resolve();
    await tick();
  }
}

function frameOf(values: string[]): Uint8Array {
  return encodeBatch(
    values.map((v) => ({ key: null, value: text.encode(v), headers: [], timestamp: null })),
    "binary",
  );
}

function track(promise: Promise<AppendOutcome>): { outcome: AppendOutcome | null } {
  const seen: { outcome: AppendOutcome | null } = { outcome: null };
  void promise.then((outcome) => {
    seen.outcome = outcome;
  });
  return seen;
}

describe("a connection's partition appenders", () => {
  it("send one call at a time per partition, merge what queued behind it, and answer each its own offset", async () => {
    const appenders = new PartitionAppenders();
    const log = new HeldLog();
    const other = new HeldLog();
    const first = appenders.reserve("t/0");
    const second = appenders.reserve("t/0");
    const aside = appenders.reserve("t/1");
    const third = appenders.reserve("t/0");
    const a = track(first.append(log.job(["a0", "a1"])));
    const c = track(third.append(log.job(["c0"])));
    const d = track(aside.append(other.job(["d0"])));
    await tick();
    // t/1 does not wait for t/0; the third waits for the second, still being read.
    expect(log.calls.map((call) => call.values)).toEqual([["a0", "a1"]]);
    expect(other.calls).toHaveLength(1);
    const b = track(second.append(log.job(["b0", "b1", "b2"])));
    await log.release();
    expect(a.outcome).toEqual({ ok: true, baseOffset: 0 });
    expect(log.calls.map((call) => call.values)).toEqual([
      ["a0", "a1"],
      ["b0", "b1", "b2", "c0"],
    ]);
    await log.release();
    expect(b.outcome).toEqual({ ok: true, baseOffset: 2 });
    expect(c.outcome).toEqual({ ok: true, baseOffset: 5 });
    await other.release();
    expect(d.outcome).toEqual({ ok: true, baseOffset: 0 });
    expect(appenders.size).toBe(0);
  });

  it("let a cancelled place go, and never merge idempotent batches or other acks", async () => {
    const appenders = new PartitionAppenders();
    const log = new HeldLog();
    const slots = Array.from({ length: 5 }, () => appenders.reserve("t/0"));
    const later = track(slots[1]!.append(log.job(["x"])));
    await tick();
    expect(log.calls).toHaveLength(0);
    slots[0]!.cancel();
    const idempotent = track(slots[2]!.append(log.job(["p0"], { producerId: 7 })));
    const acks0 = track(slots[3]!.append(log.job(["z0"], { acks: 0 })));
    const all = track(slots[4]!.append(log.job(["w0"], { acks: -1 })));
    for (let i = 0; i < 4; i++) await log.release();
    expect(log.calls).toEqual([
      { values: ["x"], producer: undefined, acks: 1 },
      { values: ["p0"], producer: { producerId: 7, producerEpoch: 0, baseSequence: 0 }, acks: 1 },
      { values: ["z0"], producer: undefined, acks: 0 },
      { values: ["w0"], producer: undefined, acks: -1 },
    ]);
    expect([later, idempotent, acks0, all].map((t) => t.outcome)).toEqual([
      { ok: true, baseOffset: 0 },
      { ok: true, baseOffset: 1 },
      { ok: true, baseOffset: -1 },
      { ok: true, baseOffset: 3 },
    ]);
  });

  it("stay within the merged bound, and fall back to one call each when Edgelog's bound is smaller", async () => {
    const appenders = new PartitionAppenders();
    const log = new HeldLog();
    const half = Array.from({ length: MAX_MERGED_RECORDS / 2 }, (_, i) => `v${i}`);
    const slots = Array.from({ length: 4 }, () => appenders.reserve("t/0"));
    const outcomes = slots.map((slot, i) => track(slot.append(log.job(i === 0 ? ["h"] : half))));
    await log.release();
    // Three halves queued: two fit in one merged call, the third waits for the next.
    expect(log.calls.map((call) => call.values.length)).toEqual([1, MAX_MERGED_RECORDS]);
    await log.release();
    await log.release();
    expect(outcomes.map((t) => t.outcome)).toEqual(
      [0, 1, 1 + half.length, 1 + 2 * half.length].map((baseOffset) => ({
        ok: true,
        baseOffset,
      })),
    );

    log.refuse = new EdgelogClientError("RECORD_LIST_TOO_LARGE", "over the limit", { retriable: false, status: 413 });
    const small = Array.from({ length: 3 }, () => appenders.reserve("t/0"));
    const held = track(small[0]!.append(log.job(["s0"])));
    const merged = [track(small[1]!.append(log.job(["s1"]))), track(small[2]!.append(log.job(["s2"])))];
    for (let i = 0; i < 4; i++) await log.release();
    expect(log.calls.slice(-4).map((call) => call.values)).toEqual([["s0"], ["s1", "s2"], ["s1"], ["s2"]]);
    expect([held, ...merged].map((t) => t.outcome)).toEqual(
      [0, 1, 2].map((i) => ({ ok: true, baseOffset: 1 + 3 * half.length + i })),
    );
  });

  it("answer every merged request with the merged call's error", async () => {
    const appenders = new PartitionAppenders();
    const log = new HeldLog();
    log.refuse = new EdgelogClientError("NOT_LEADER_OR_FOLLOWER", "moved", { retriable: true, status: 503 });
    const slots = Array.from({ length: 3 }, () => appenders.reserve("t/0"));
    const outcomes = slots.map((slot, i) => track(slot.append(log.job([`m${i}`]))));
    await log.release();
    await log.release();
    expect(outcomes[0]!.outcome).toEqual({ ok: true, baseOffset: 0 });
    expect(outcomes.slice(1).map((t) => t.outcome)).toEqual([
      { ok: false, error: log.refuse },
      { ok: false, error: log.refuse },
    ]);
    expect(appenders.size).toBe(0);
  });
});

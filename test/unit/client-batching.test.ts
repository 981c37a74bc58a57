// The producer's per-partition batching and the retry backoff, without a server:
// the batch sender is a plain function that records what it was given.

import { describe, expect, it } from "vitest";
import { PartitionBatcher, type PendingBatch } from "../../src/client/partition-batcher.js";
import { backoffMs, DEFAULT_RETRY } from "../../src/client/retry.js";

function recorder(delayMs = 5) {
  const sent: number[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let next = 0;
  const send = async (batch: PendingBatch) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, delayMs));
    inFlight--;
    sent.push(batch.records.map((r) => r.value as number));
    return batch.records.map(() => next++);
  };
  return { sent, send, maxInFlight: () => maxInFlight };
}

describe("PartitionBatcher", () => {
  it("gathers records into batches of batchSize, one in flight, in order", async () => {
    const r = recorder();
    let released = 0;
    const batcher = new PartitionBatcher({ lingerMs: 50, batchSize: 4, maxBatchBytes: 1_000 }, r.send, (n) => {
      released += n;
    });
    const slots = Array.from({ length: 10 }, (_, value) => batcher.append({ value }, "json", 10));
    await batcher.flush();
    expect(r.sent).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(r.maxInFlight()).toBe(1);
    expect(released).toBe(10);
    const offsets = await Promise.all(slots.map(async ({ batch, index }) => (await batch.offsets)[index]));
    expect(offsets).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it("sends a partial batch after lingerMs, and splits by bytes and encoding", async () => {
    const r = recorder();
    const batcher = new PartitionBatcher({ lingerMs: 20, batchSize: 100, maxBatchBytes: 25 }, r.send, () => {});
    const started = Date.now();
    const { batch } = batcher.append({ value: 0 }, "json", 10);
    await batch.offsets;
    expect(Date.now() - started).toBeGreaterThanOrEqual(18);
    for (const value of [1, 2, 3]) batcher.append({ value }, "json", 10);
    batcher.append({ value: 4 }, "base64", 1);
    await batcher.flush();
    expect(r.sent).toEqual([[0], [1, 2], [3], [4]]);
  });

  it("fails every record of a batch whose send failed, and goes on with the next", async () => {
    let calls = 0;
    const batcher = new PartitionBatcher(
      { lingerMs: 0, batchSize: 2, maxBatchBytes: 1_000 },
      async (batch) => {
        if (calls++ === 0) throw new Error("refused");
        return batch.records.map((_, i) => i);
      },
      () => {},
    );
    const first = batcher.append({ value: 1 }, "json", 1);
    await expect(first.batch.offsets).rejects.toThrow("refused");
    const second = batcher.append({ value: 2 }, "json", 1);
    await expect(second.batch.offsets).resolves.toEqual([0]);
  });
});

describe("backoffMs", () => {
  it("grows exponentially within ±factor, capped at maxRetryTimeMs", () => {
    const low = (attempt: number) => backoffMs(DEFAULT_RETRY, attempt, () => 0);
    const high = (attempt: number) => backoffMs(DEFAULT_RETRY, attempt, () => 1);
    expect([0, 1, 2, 3].map(low)).toEqual([80, 160, 320, 640]);
    expect([0, 1, 2, 3].map(high)).toEqual([120, 240, 480, 960]);
    expect(high(20)).toBe(DEFAULT_RETRY.maxRetryTimeMs);
    expect(low(20)).toBe(4_000);
  });
});

import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  advance,
  assignment,
  eventually,
  jsonRecord,
  leaderReplica,
  manualClock,
  parkedFetches,
  produceRequest,
  reopen,
  sizedRecord,
  untilParked,
} from "./replica-helpers.js";

/** A fetch answer's records as the JSON array text the replica rendered. */
const recordsText = (r: { records: Uint8Array }) => new TextDecoder().decode(r.records);

const fetchAll = {
  maxRecords: 10_000,
  maxBytes: 8 * 1024 * 1024,
  maxWaitMs: 0,
  encoding: "json",
  waitKey: null,
  allowFollower: false,
} as const;

describe("append", () => {
  it("gives dense offsets across batches and stores one row per batch", async () => {
    const { stub } = await leaderReplica();
    const first = await stub.produce(
      produceRequest({
        acks: "all",
        producer: null,
        format: "json",
        records: Array.from({ length: 100 }, (_, i) => sizedRecord(1024 + (i % 3))),
      }),
    );
    const second = await stub.produce(
      produceRequest({
        acks: "all",
        producer: null,
        format: "json",
        records: [jsonRecord("a"), jsonRecord("b")],
      }),
    );
    expect(first).toMatchObject({ ok: true, baseOffset: 0, lastOffset: 99, rowsWritten: 1 });
    expect(second).toMatchObject({ ok: true, baseOffset: 100, lastOffset: 101, rowsWritten: 1 });
    const rows = await runInDurableObject(stub, (_, state) =>
      state.storage.sql
        .exec<{ base_offset: number; last_offset: number }>(
          "SELECT base_offset, last_offset FROM batches ORDER BY base_offset",
        )
        .toArray(),
    );
    expect(rows).toEqual([
      { base_offset: 0, last_offset: 99 },
      { base_offset: 100, last_offset: 101 },
    ]);
    expect(await stub.describe()).toMatchObject({ ok: true, logStartOffset: 0, highWatermark: 102, logEndOffset: 102 });
  });

  it("splits a batch into rows of at most 1 MiB, a larger record alone in its row", async () => {
    const { stub } = await leaderReplica();
    const records = [...Array.from({ length: 5 }, () => sizedRecord(600 * 1024)), sizedRecord(1024 * 1024)];
    const appended = await stub.produce(produceRequest({ acks: "all", producer: null, format: "json", records }));
    expect(appended).toMatchObject({ ok: true, baseOffset: 0, lastOffset: 5, rowsWritten: 6 });
    const sizes = await runInDurableObject(stub, (_, state) =>
      state.storage.sql
        .exec<{ n: number; bytes: number }>(
          "SELECT last_offset - base_offset + 1 AS n, length(payload) AS bytes FROM batches",
        )
        .toArray(),
    );
    expect(sizes.map((s) => s.n)).toEqual([1, 1, 1, 1, 1, 1]);
    for (const { bytes } of sizes) expect(bytes).toBeLessThan(2_000_000);
    const small = await stub.produce(
      produceRequest({
        acks: "all",
        producer: null,
        format: "json",
        records: Array.from({ length: 3_000 }, () => sizedRecord(1000)),
      }),
    );
    expect(small).toMatchObject({ ok: true, rowsWritten: 3 });
  });

  it("refuses produce on a follower and on a replica that was never assigned or was destroyed", async () => {
    const { stub, topicId } = await leaderReplica();
    expect(
      await stub.assign(assignment(topicId, 0, { replicas: [0, 1], leader: 1, leaderEpoch: 1, isr: [0, 1] })),
    ).toMatchObject({ ok: true });
    expect(
      await stub.produce(produceRequest({ acks: "all", producer: null, format: "json", records: [jsonRecord(1)] })),
    ).toMatchObject({
      ok: false,
      error: { code: "NOT_LEADER_OR_FOLLOWER" },
    });
    const { env } = await import("cloudflare:workers");
    const blank = env.REPLICA.get(env.REPLICA.idFromName(`never-assigned/0/0`));
    expect(
      await blank.produce(produceRequest({ acks: "all", producer: null, format: "json", records: [jsonRecord(1)] })),
    ).toMatchObject({
      ok: false,
      error: { code: "UNKNOWN_TOPIC_OR_PARTITION" },
    });
    const doomed = await leaderReplica();
    await doomed.stub.produce(
      produceRequest({ acks: "all", producer: null, format: "json", records: [jsonRecord(1)] }),
    );
    await doomed.stub.destroy();
    expect(await doomed.stub.fetchRecords({ ...fetchAll, offset: 0 })).toMatchObject({
      ok: false,
      error: { code: "UNKNOWN_TOPIC_OR_PARTITION" },
    });
  });

  it("never lets the leaderEpoch go back", async () => {
    const { stub, topicId } = await leaderReplica();
    expect(await stub.assign(assignment(topicId, 0, { leaderEpoch: 3 }))).toMatchObject({ ok: true, leaderEpoch: 3 });
    expect(await stub.assign(assignment(topicId, 0, { leaderEpoch: 2 }))).toMatchObject({
      ok: false,
      error: { code: "FENCED_LEADER_EPOCH" },
    });
    expect(await stub.describe()).toMatchObject({ ok: true, leaderEpoch: 3 });
  });

  it("counts every SQLite row it writes, the assignment and alarm tasks included", async () => {
    const { stub, topicId } = await leaderReplica({ retentionMs: 60_000 });
    const before = await stub.metrics();
    if (!before.ok) throw new Error("no metrics");
    // A new leaderEpoch is one assignment row, written by nothing else.
    expect(await stub.assign(assignment(topicId, 0, { leaderEpoch: 1 }, { retentionMs: 60_000 }))).toMatchObject({
      ok: true,
    });
    const afterAssign = await stub.metrics();
    if (!afterAssign.ok) throw new Error("no metrics");
    expect(afterAssign.rowsWritten - before.rowsWritten).toBeGreaterThanOrEqual(1);
    // An append: the batch, its offsets, and the retention task it schedules.
    await stub.produce(produceRequest({ acks: "1", producer: null, format: "json", records: [jsonRecord(1)] }));
    const afterAppend = await stub.metrics();
    if (!afterAppend.ok) throw new Error("no metrics");
    const written = await runInDurableObject(
      stub,
      (_instance, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM alarm_tasks").one().n,
    );
    expect(written).toBeGreaterThanOrEqual(1);
    expect(afterAppend.rowsWritten - afterAssign.rowsWritten).toBeGreaterThanOrEqual(1 + written);
  });

  it("keeps the log across a restart of the object", async () => {
    const { stub, topicId } = await leaderReplica();
    await stub.produce(
      produceRequest({ acks: "all", producer: null, format: "json", records: [jsonRecord("a"), jsonRecord("b")] }),
    );
    await abortAllDurableObjects();
    const restarted = reopen(topicId);
    expect(await restarted.describe()).toMatchObject({ ok: true, highWatermark: 2, logEndOffset: 2 });
    expect(
      await restarted.produce(
        produceRequest({ acks: "all", producer: null, format: "json", records: [jsonRecord("c")] }),
      ),
    ).toMatchObject({
      ok: true,
      baseOffset: 2,
    });
  });
});

describe("fetch", () => {
  it("reads from any offset, bounded by maxRecords and maxBytes, at least one record (KIP-74)", async () => {
    const { stub } = await leaderReplica();
    await stub.produce(
      produceRequest({
        acks: "all",
        producer: null,
        format: "json",
        records: Array.from({ length: 10 }, (_, i) => jsonRecord({ i }, { key: `k${i}` })),
      }),
    );
    await stub.produce(
      produceRequest({
        acks: "all",
        producer: null,
        format: "json",
        records: Array.from({ length: 10 }, (_, i) => jsonRecord({ i: i + 10 })),
      }),
    );
    const middle = await stub.fetchRecords({ ...fetchAll, offset: 7, maxRecords: 5 });
    if (!middle.ok) throw new Error(middle.error.message);
    expect(JSON.parse(recordsText(middle)).map((r: { value: { i: number } }) => r.value.i)).toEqual([7, 8, 9, 10, 11]);
    expect(middle).toMatchObject({ recordCount: 5, nextOffset: 12, highWatermark: 20, logStartOffset: 0 });
    const tiny = await stub.fetchRecords({ ...fetchAll, offset: 3, maxBytes: 1 });
    expect(tiny).toMatchObject({ ok: true, recordCount: 1, nextOffset: 4 });
    const byBytes = await stub.fetchRecords({ ...fetchAll, offset: 0, maxBytes: 3 * 11 });
    expect(byBytes).toMatchObject({ ok: true, recordCount: 3 });
    const end = await stub.fetchRecords({ ...fetchAll, offset: 20 });
    expect(end).toMatchObject({ ok: true, recordCount: 0, nextOffset: 20 });
    if (end.ok) expect(recordsText(end)).toBe("[]");
  });

  it("answers OFFSET_OUT_OF_RANGE past the logEndOffset with the partition's bounds", async () => {
    const { stub } = await leaderReplica();
    await stub.produce(produceRequest({ acks: "all", producer: null, format: "json", records: [jsonRecord(1)] }));
    expect(await stub.fetchRecords({ ...fetchAll, offset: 2 })).toMatchObject({
      ok: false,
      error: { code: "OFFSET_OUT_OF_RANGE", details: { logStartOffset: 0, highWatermark: 1 } },
    });
  });

  it("renders json and binary records in both encodings", async () => {
    const { stub } = await leaderReplica();
    const utf8 = new TextEncoder();
    await stub.produce(
      produceRequest({
        acks: "all",
        producer: null,
        format: "json",
        records: [
          {
            key: utf8.encode("ключ"),
            value: utf8.encode('{"a":[1,2]}'),
            headers: [[utf8.encode("h"), utf8.encode("v")]],
            timestamp: 5,
          },
        ],
      }),
    );
    await stub.produce(
      produceRequest({
        acks: "all",
        producer: null,
        format: "binary",
        records: [{ key: null, value: new Uint8Array([0, 255]), headers: [], timestamp: 6 }],
      }),
    );
    const asJson = await stub.fetchRecords({ ...fetchAll, offset: 0 });
    if (!asJson.ok) throw new Error(asJson.error.message);
    expect(JSON.parse(recordsText(asJson))).toEqual([
      { offset: 0, timestamp: 5, key: "ключ", value: { a: [1, 2] }, headers: { h: "v" } },
      { offset: 1, timestamp: 6, key: null, value: "AP8=", headers: {}, encoding: "base64" },
    ]);
    const asBase64 = await stub.fetchRecords({ ...fetchAll, offset: 0, encoding: "base64" });
    if (!asBase64.ok) throw new Error(asBase64.error.message);
    expect(JSON.parse(recordsText(asBase64))[0]).toEqual({
      offset: 0,
      timestamp: 5,
      key: btoa("\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87"),
      value: btoa('{"a":[1,2]}'),
      headers: { h: "v" },
    });
  });
});

describe("long-poll", () => {
  it("parks a fetch at the highWatermark and wakes it on append", async () => {
    const { stub } = await leaderReplica();
    const started = Date.now();
    const parked = stub.fetchRecords({ ...fetchAll, offset: 0, maxWaitMs: 10_000 });
    await untilParked(stub, 1);
    await stub.produce(produceRequest({ acks: "all", producer: null, format: "json", records: [jsonRecord("wake")] }));
    const woken = await parked;
    expect(woken).toMatchObject({ ok: true, recordCount: 1, nextOffset: 1 });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("returns empty once maxWaitMs runs out, or when cancelled by its waitKey", async () => {
    const { stub } = await leaderReplica();
    const clock = await manualClock(stub);
    // 20 s of the replica's own time: only the manual clock can end this wait in time.
    const timedOut = stub.fetchRecords({ ...fetchAll, offset: 0, maxWaitMs: 20_000 });
    await untilParked(stub, 1);
    await advance(stub, clock, 19_999);
    expect(await parkedFetches(stub)).toBe(1);
    await advance(stub, clock, 1);
    expect(await timedOut).toMatchObject({ ok: true, recordCount: 0 });
    const parked = stub.fetchRecords({ ...fetchAll, offset: 0, maxWaitMs: 20_000, waitKey: "k1" });
    await untilParked(stub, 1);
    expect(await stub.cancelWait("k1")).toBe(1);
    expect(await parked).toMatchObject({ ok: true, recordCount: 0 });
  });

  it("does not park a fetch whose cancel arrived first", async () => {
    const { stub } = await leaderReplica();
    expect(await stub.cancelWait("early")).toBe(0);
    const started = Date.now();
    expect(await stub.fetchRecords({ ...fetchAll, offset: 0, maxWaitMs: 20_000, waitKey: "early" })).toMatchObject({
      ok: true,
      recordCount: 0,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("parks at most maxWaitersPerReplica fetches; the next answers at once", async () => {
    const { stub } = await leaderReplica();
    const parked = Array.from({ length: 4 }, () =>
      stub.fetchRecords({ ...fetchAll, offset: 0, maxWaitMs: 20_000, waitKey: "many" }),
    );
    await untilParked(stub, 4);
    const started = Date.now();
    expect(await stub.fetchRecords({ ...fetchAll, offset: 0, maxWaitMs: 20_000 })).toMatchObject({
      ok: true,
      recordCount: 0,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await stub.cancelWait("many")).toBe(4);
    await Promise.all(parked);
  });
});

describe("ListOffsets", () => {
  it("finds earliest, latest and the first offset at or after a timestamp", async () => {
    const { stub } = await leaderReplica();
    await stub.produce(
      produceRequest({
        acks: "all",
        producer: null,
        format: "json",
        records: [1000, 2000, 1500].map((t) => jsonRecord(t, { timestamp: t })),
      }),
    );
    await stub.produce(
      produceRequest({
        acks: "all",
        producer: null,
        format: "json",
        records: [jsonRecord(3000, { timestamp: 3000 })],
      }),
    );
    expect(await stub.listOffsets("earliest")).toEqual({ ok: true, offset: 0 });
    expect(await stub.listOffsets("latest")).toEqual({ ok: true, offset: 4 });
    expect(await stub.listOffsets(1200)).toEqual({ ok: true, offset: 1, timestamp: 2000 });
    expect(await stub.listOffsets(2500)).toEqual({ ok: true, offset: 3, timestamp: 3000 });
    expect(await stub.listOffsets(9999)).toEqual({ ok: true, offset: 4 });
  });
});

describe("retention (alarm)", () => {
  it("deletes batches older than retentionMs and moves logStartOffset", async () => {
    const { stub, topicId } = await leaderReplica({ retentionMs: 60_000 });
    const old = Date.now() - 3_600_000;
    await stub.produce(
      produceRequest({
        acks: "all",
        producer: null,
        format: "json",
        records: [jsonRecord("old1", { timestamp: old }), jsonRecord("old2", { timestamp: old })],
      }),
    );
    // The old batch is due at once: the alarm fires on its own, or here if not yet.
    await stub.produce(produceRequest({ acks: "all", producer: null, format: "json", records: [jsonRecord("new")] }));
    await runDurableObjectAlarm(stub);
    await eventually(async () => {
      const status = await stub.describe();
      return status.ok && status.logStartOffset === 2;
    });
    expect(await stub.describe()).toMatchObject({ ok: true, logStartOffset: 2, highWatermark: 3 });
    expect(await stub.fetchRecords({ ...fetchAll, offset: 1 })).toMatchObject({
      ok: false,
      error: { code: "OFFSET_OUT_OF_RANGE", details: { logStartOffset: 2, highWatermark: 3 } },
    });
    expect(await stub.listOffsets("earliest")).toEqual({ ok: true, offset: 2 });
    // The next run is due when the remaining batch expires.
    const next = await runInDurableObject(stub, (_, state) => state.storage.getAlarm());
    expect(next).toBeGreaterThan(Date.now() + 30_000);
    await abortAllDurableObjects();
    expect(await reopen(topicId).describe()).toMatchObject({ ok: true, logStartOffset: 2, logEndOffset: 3 });
  });

  it("runs retention when the replica's clock passes retentionMs, not before", async () => {
    const { stub } = await leaderReplica({ retentionMs: 60_000 });
    const clock = await manualClock(stub);
    const record = (value: string) =>
      produceRequest({ acks: "all", producer: null, format: "json", records: [jsonRecord(value)] });
    // Stamped by the replica on its own clock: due a minute from now, on that clock, and
    // not at the minute itself, when the record is not yet older than retentionMs.
    const stampedAtMs = clock.now();
    expect(await stub.produce(record("a"))).toMatchObject({ ok: true, baseOffset: 0 });
    const dueAtMs = await runInDurableObject(stub, (instance) =>
      (instance as unknown as { tasks: { dueAt(task: string): number | null } }).tasks.dueAt("retention"),
    );
    expect(dueAtMs).toBe(stampedAtMs + 60_001);
    await advance(stub, clock, 30_000);
    expect(await stub.produce(record("b"))).toMatchObject({ ok: true, baseOffset: 1 });
    await advance(stub, clock, 29_999);
    await runDurableObjectAlarm(stub);
    expect(await stub.describe()).toMatchObject({ ok: true, logStartOffset: 0, logEndOffset: 2 });
    // A record expires once it is older than retentionMs (Kafka's retention.ms).
    await advance(stub, clock, 2);
    await runDurableObjectAlarm(stub);
    await eventually(async () => {
      const status = await stub.describe();
      return status.ok && status.logStartOffset === 1;
    });
    expect(await stub.describe()).toMatchObject({ ok: true, logStartOffset: 1, highWatermark: 2, logEndOffset: 2 });
  });

  it("deletes the oldest batches while the log is over retentionBytes, never the newest", async () => {
    const { stub } = await leaderReplica({ retentionBytes: 2_500 });
    for (let i = 0; i < 5; i++)
      await stub.produce(produceRequest({ acks: "all", producer: null, format: "json", records: [sizedRecord(1000)] }));
    // Over the limit, the alarm is due at once and may already have run.
    await runDurableObjectAlarm(stub);
    await eventually(async () => {
      const status = await stub.describe();
      return status.ok && status.logStartOffset === 3;
    });
    // Stored size: 1,000 value bytes + 18 bytes of record framing + 6 of batch framing.
    expect(await stub.describe()).toMatchObject({ ok: true, logStartOffset: 3, highWatermark: 5, sizeBytes: 2 * 1024 });
    const big = await leaderReplica({ retentionBytes: 10 });
    await big.stub.produce(
      produceRequest({ acks: "all", producer: null, format: "json", records: [sizedRecord(1000)] }),
    );
    await runDurableObjectAlarm(big.stub);
    expect(await big.stub.describe()).toMatchObject({ ok: true, logStartOffset: 0, highWatermark: 1 });
  });

  it("sets no alarm when nothing can expire", async () => {
    const { stub } = await leaderReplica({ retentionMs: -1, retentionBytes: -1 });
    await stub.produce(produceRequest({ acks: "all", producer: null, format: "json", records: [jsonRecord(1)] }));
    expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).toBeNull();
  });
});

describe("a write that throws", () => {
  it("leaves neither storage nor memory changed: the next append continues densely", async () => {
    const { stub } = await leaderReplica();
    const request = (value: string) =>
      produceRequest({ acks: "1", producer: null, format: "json", records: [jsonRecord(value)] });
    expect(await stub.produce(request("a"))).toMatchObject({ ok: true, baseOffset: 0 });
    // A broken invariant after the log has moved its offsets in memory: SQLite undoes
    // the write, and the replica must not keep the memory of it.
    await runInDurableObject(stub, async (instance) => {
      const log = (instance as unknown as { log: { append: (...args: unknown[]) => unknown } }).log;
      const append = log.append.bind(log);
      log.append = (...args: unknown[]) => {
        append(...args);
        throw new Error("invariant broken after the append");
      };
      await expect(instance.produce(request("lost"))).rejects.toThrow("invariant broken after the append");
    });
    expect(await stub.describe()).toMatchObject({ ok: true, highWatermark: 1, logEndOffset: 1 });
    expect(await stub.produce(request("b"))).toMatchObject({ ok: true, baseOffset: 1 });
    const answer = await stub.fetchRecords({ offset: 0, ...fetchAll });
    expect(answer.ok && JSON.parse(recordsText(answer)).map((r: { value: string }) => r.value)).toEqual(["a", "b"]);
  });
});

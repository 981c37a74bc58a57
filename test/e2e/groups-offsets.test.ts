// Committed offsets over HTTP: fencing by member epoch, highWatermark and lag after
// produce and consume, the stateless group fetch (at-least-once), independent groups,
// and the admin calls (delete, reset) that need an empty group.

import { expect, it } from "vitest";
import { describeGroup, GroupMember, settle } from "./group-client.js";
import { call, createTopic, produce, uniqueTopic } from "./http.js";

interface FetchedRecord {
  topic: string;
  partition: number;
  offset: number;
  value: unknown;
}

async function produceTo(topic: string, partition: number, values: unknown[]) {
  const reply = await produce(
    topic,
    values.map((value) => ({ value, partition })),
  );
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
}

async function committed(group: string) {
  const reply = await call("GET", `/v1/groups/${group}/offsets`);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.offsets;
}

it("refuses commits from a fenced, stale, departed or unknown member", async () => {
  const topic = uniqueTopic("gfence");
  await createTopic(topic, 2);
  const group = uniqueTopic("group");
  const a = await GroupMember.join(group, [topic]);
  const b = await GroupMember.join(group, [topic]);
  await settle([a, b]);
  expect(a.memberEpoch).toBeGreaterThan(1);
  const ok = await a.commit([{ topic, partition: 0, offset: 3, metadata: "first" }]);
  expect(ok.status, JSON.stringify(ok.body)).toBe(200);

  const ahead = await a.commit([{ topic, partition: 0, offset: 9 }], a.memberEpoch + 1);
  expect(ahead.status).toBe(409);
  expect(ahead.body.error).toMatchObject({ code: "FENCED_MEMBER_EPOCH", retriable: false });
  const stale = await a.commit([{ topic, partition: 0, offset: 9 }], a.memberEpoch - 1);
  expect(stale.status).toBe(409);
  expect(stale.body.error).toMatchObject({ code: "STALE_MEMBER_EPOCH", retriable: true, memberEpoch: a.memberEpoch });
  const stranger = await call("POST", `/v1/groups/${group}/offsets`, {
    memberId: "not-a-member",
    memberEpoch: 1,
    offsets: [{ topic, partition: 0, offset: 9 }],
  });
  expect(stranger.body.error).toMatchObject({ code: "UNKNOWN_MEMBER_ID" });
  await a.leave();
  const departed = await a.commit([{ topic, partition: 0, offset: 9 }]);
  expect(departed.status).toBe(409);
  expect(departed.body.error).toMatchObject({ code: "UNKNOWN_MEMBER_ID" });

  expect(await committed(group)).toEqual([
    expect.objectContaining({ topic, partition: 0, offset: 3, metadata: "first" }),
  ]);
});

it("reports committed offsets, highWatermark and lag after produce and consume", async () => {
  const topic = uniqueTopic("glag");
  await createTopic(topic, 2);
  await produceTo(topic, 0, [0, 1, 2, 3, 4]);
  await produceTo(topic, 1, ["a", "b", "c"]);
  const group = uniqueTopic("group");
  const m = await GroupMember.join(group, [topic]);

  const first = await m.fetch({ autoOffsetReset: "earliest" });
  expect(first.status, JSON.stringify(first.body)).toBe(200);
  const records: FetchedRecord[] = first.body.records;
  expect(records.map((r) => [r.partition, r.offset, r.value])).toEqual([
    [0, 0, 0],
    [0, 1, 1],
    [0, 2, 2],
    [0, 3, 3],
    [0, 4, 4],
    [1, 0, "a"],
    [1, 1, "b"],
    [1, 2, "c"],
  ]);
  expect(records.every((r) => r.topic === topic)).toBe(true);
  expect(first.body.assignment).toEqual({ [topic]: [0, 1] });

  // Consumed all of partition 0, one record of partition 1.
  expect(
    (
      await m.commit([
        { topic, partition: 0, offset: 5 },
        { topic, partition: 1, offset: 1, metadata: "m" },
      ])
    ).status,
  ).toBe(200);
  expect(await committed(group)).toEqual([
    expect.objectContaining({ topic, partition: 0, offset: 5, metadata: "", highWatermark: 5, lag: 0 }),
    expect.objectContaining({ topic, partition: 1, offset: 1, metadata: "m", highWatermark: 3, lag: 2 }),
  ]);
  await produceTo(topic, 0, [5, 6]);
  const { body } = await describeGroup(group);
  expect(body.lag).toBe(4);
  expect(body.offsets.map((o: { partition: number; lag: number }) => [o.partition, o.lag])).toEqual([
    [0, 2],
    [1, 2],
  ]);

  // At-least-once: what is not committed comes again, from the committed offsets.
  const again = await m.fetch();
  expect(again.body.records.map((r: FetchedRecord) => [r.partition, r.offset])).toEqual([
    [0, 5],
    [0, 6],
    [1, 1],
    [1, 2],
  ]);
  const done = await m.fetch({
    commit: [
      { topic, partition: 0, offset: 7 },
      { topic, partition: 1, offset: 3 },
    ],
  });
  expect(done.body.records).toEqual([]);
  expect((await describeGroup(group)).body.lag).toBe(0);

  // A deleted topic keeps its committed offsets; its lag is unknown.
  expect((await call("DELETE", `/v1/topics/${topic}`)).status).toBe(204);
  expect(await committed(group)).toEqual([
    expect.objectContaining({ partition: 0, offset: 7, highWatermark: null, lag: null }),
    expect.objectContaining({ partition: 1, offset: 3, highWatermark: null, lag: null }),
  ]);
});

it("long-polls a group fetch until a record arrives on an assigned partition", async () => {
  const topic = uniqueTopic("gpoll");
  await createTopic(topic, 2);
  const group = uniqueTopic("group");
  const m = await GroupMember.join(group, [topic]);
  const first = await m.fetch({ maxWaitMs: 50 });
  expect(first.body.records).toEqual([]);
  const started = performance.now();
  const parked = m.fetch({ maxWaitMs: 4_000 });
  await new Promise((r) => setTimeout(r, 300));
  await produceTo(topic, 1, ["wake"]);
  const reply = await parked;
  expect(reply.body.records).toMatchObject([{ topic, partition: 1, offset: 0, value: "wake" }]);
  expect(performance.now() - started).toBeLessThan(3_500);
});

it("gives every record to each of two groups on one topic", async () => {
  const topic = uniqueTopic("gtwo");
  await createTopic(topic, 3);
  const values = Array.from({ length: 12 }, (_, i) => i);
  for (const p of [0, 1, 2])
    await produceTo(
      topic,
      p,
      values.filter((v) => v % 3 === p),
    );
  const consumeAll = async (size: number) => {
    const group = uniqueTopic("group");
    const members = await Promise.all(Array.from({ length: size }, () => GroupMember.join(group, [topic])));
    await settle(members);
    const seen: number[] = [];
    for (const m of members) {
      let commit: { topic: string; partition: number; offset: number }[] = [];
      for (let i = 0; i < 5; i++) {
        const reply = await m.fetch({ commit, autoOffsetReset: "earliest" });
        expect(reply.status, JSON.stringify(reply.body)).toBe(200);
        const records: FetchedRecord[] = reply.body.records;
        if (records.length === 0) break;
        seen.push(...records.map((r) => r.value as number));
        // The next offset of each partition read: its last record's, plus one.
        const next = new Map(records.map((r) => [r.partition, r.offset + 1]));
        commit = [...next].map(([partition, offset]) => ({ topic, partition, offset }));
      }
    }
    return seen.sort((x, y) => x - y);
  };
  const [one, two] = await Promise.all([consumeAll(1), consumeAll(2)]);
  expect(one).toEqual(values);
  expect(two).toEqual(values);
});

it("deletes and resets offsets of an empty group only", async () => {
  const topic = uniqueTopic("gadmin");
  await createTopic(topic, 2);
  await produceTo(topic, 0, [1, 2, 3]);
  await produceTo(topic, 1, [4]);
  const group = uniqueTopic("group");
  const m = await GroupMember.join(group, [topic]);
  expect((await call("GET", "/v1/groups")).body.groups).toContainEqual({ groupId: group });

  const busy = await call("DELETE", `/v1/groups/${group}`);
  expect(busy.status).toBe(409);
  expect(busy.body.error.code).toBe("NON_EMPTY_GROUP");
  const busyReset = await call("POST", `/v1/groups/${group}/offsets/reset`, { topic, to: "latest" });
  expect(busyReset.body.error.code).toBe("NON_EMPTY_GROUP");
  expect(await committed(group)).toEqual([]);
  await m.leave();
  expect((await describeGroup(group)).body).toMatchObject({ state: "Empty", members: [] });

  const reset = async (to: unknown) => {
    const reply = await call("POST", `/v1/groups/${group}/offsets/reset`, { topic, to });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return (await committed(group)).map((o: { offset: number }) => o.offset);
  };
  expect(await reset("latest")).toEqual([3, 1]);
  expect(await reset("earliest")).toEqual([0, 0]);
  expect(await reset({ offset: 2 })).toEqual([2, 1]);
  expect(await reset({ timestamp: Date.now() + 60_000 })).toEqual([3, 1]);
  expect(await reset({ timestamp: 0 })).toEqual([0, 0]);

  expect((await call("DELETE", `/v1/groups/${group}`)).status).toBe(204);
  const gone = await describeGroup(group);
  expect(gone.status).toBe(404);
  expect(gone.body.error.code).toBe("GROUP_ID_NOT_FOUND");
  expect((await call("GET", `/v1/groups/${group}/offsets`)).body.error.code).toBe("GROUP_ID_NOT_FOUND");
  expect((await call("GET", "/v1/groups")).body.groups).not.toContainEqual({ groupId: group });
});

it("hands a partition from a stateless member to a new one at the offset it committed on its way out", async () => {
  const topic = uniqueTopic("ghandoff");
  await createTopic(topic, 2);
  await produceTo(topic, 0, ["a0", "a1", "a2"]);
  await produceTo(topic, 1, ["b0", "b1"]);
  const group = uniqueTopic("group");
  const stateless = await GroupMember.join(group, [topic]);
  const first = await stateless.fetch({ autoOffsetReset: "earliest" });
  expect(first.body.records).toHaveLength(5);

  const joiner = await GroupMember.join(group, [topic]);
  expect(joiner.assignment).toEqual({});
  // Its next call commits what it read, gives up partition 1 and reads partition 0 only.
  const next = await stateless.fetch({
    commit: [
      { topic, partition: 0, offset: 2 },
      { topic, partition: 1, offset: 1 },
    ],
  });
  expect(next.status, JSON.stringify(next.body)).toBe(200);
  expect(next.body.assignment).toEqual({ [topic]: [0] });
  expect(next.body.records.map((r: FetchedRecord) => r.value)).toEqual(["a2"]);
  await joiner.heartbeat();
  expect(joiner.assignment).toEqual({ [topic]: [1] });
  const taken = await joiner.fetch({ autoOffsetReset: "earliest" });
  expect(taken.body.records.map((r: FetchedRecord) => [r.partition, r.offset, r.value])).toEqual([[1, 1, "b1"]]);
  expect((await describeGroup(group)).body.state).toBe("Stable");
});

it("restarts a partition whose committed offset is out of the log's range at autoOffsetReset", async () => {
  const topic = uniqueTopic("grange");
  await createTopic(topic, 1);
  await produceTo(topic, 0, ["x", "y", "z"]);
  const group = uniqueTopic("group");
  const m = await GroupMember.join(group, [topic]);
  // Kafka does not check a committed offset against the log; a fetch from it does.
  expect((await m.commit([{ topic, partition: 0, offset: 100 }])).status).toBe(200);
  const refused = await m.fetch({ autoOffsetReset: "earliest" });
  expect(refused.body.records).toEqual([]);
  expect(refused.body.errors).toMatchObject([
    { topic, partition: 0, error: { code: "OFFSET_OUT_OF_RANGE", logStartOffset: 0, highWatermark: 3 } },
  ]);
  expect((await committed(group))[0]).toMatchObject({ offset: 0 });
  const resumed = await m.fetch({ autoOffsetReset: "earliest" });
  expect(resumed.body.records.map((r: FetchedRecord) => r.value)).toEqual(["x", "y", "z"]);
  expect(resumed.body.errors).toEqual([]);
});

// Consumer group membership over HTTP against a real `wrangler dev`: assignment,
// reconciliation after a leave and a join, and session expiry. The two timings of
// the closing note are printed (stable assignment, partition move).

import { expect, it } from "vitest";
import { describeGroup, GroupMember, keys, settle, until } from "./group-client.js";
import { createTopic, uniqueTopic } from "./http.js";

async function stableGroup(partitions: number, size: number, extra: Record<string, unknown> = {}) {
  const topic = uniqueTopic("gtopic");
  await createTopic(topic, partitions);
  const group = uniqueTopic("group");
  const started = performance.now();
  const members = await Promise.all(Array.from({ length: size }, () => GroupMember.join(group, [topic], extra)));
  const rounds = await settle(members);
  return { topic, group, members, elapsedMs: performance.now() - started, rounds };
}

it("gives 3 members of a 6-partition topic 2 partitions each, every partition once", async () => {
  const { topic, group, members, elapsedMs, rounds } = await stableGroup(6, 3);
  console.log(
    `[groups] 3 members reached a stable assignment in ${elapsedMs.toFixed(0)} ms (${rounds} heartbeat rounds)`,
  );
  for (const m of members) expect(m.count()).toBe(2);
  expect(members.flatMap((m) => keys(m.assignment)).sort()).toEqual(
    [0, 1, 2, 3, 4, 5].map((p) => `${topic}:${p}`).sort(),
  );
  const { status, body } = await describeGroup(group);
  expect(status).toBe(200);
  expect(body).toMatchObject({ groupId: group, state: "Stable" });
  expect(body.members).toHaveLength(3);
  for (const m of body.members) {
    expect(m.assignment).toEqual(m.targetAssignment);
    expect(m.memberEpoch).toBe(body.assignmentEpoch);
  }
});

it("moves a leaving member's partitions, and gives a joining member partitions only once released", async () => {
  const { topic, group, members } = await stableGroup(6, 3);
  const [a, b, c] = members as [GroupMember, GroupMember, GroupMember];
  const left = performance.now();
  expect((await a.leave()).body).toMatchObject({ memberId: a.memberId, memberEpoch: -1, assignment: {} });
  await until(
    async () => {
      await Promise.all([b.heartbeat(), c.heartbeat()]);
      return b.count() + c.count() === 6;
    },
    10_000,
    0,
  );
  console.log(`[groups] a departed member's partitions moved in ${(performance.now() - left).toFixed(0)} ms`);
  expect([b.count(), c.count()]).toEqual([3, 3]);

  const d = await GroupMember.join(group, [topic]);
  expect(d.assignment).toEqual({});
  // b and c learn their revocations but keep reading: d gets nothing yet.
  await b.heartbeat(false);
  await c.heartbeat(false);
  expect(b.count() + c.count()).toBe(4);
  expect((await d.heartbeat()).body.assignment).toEqual({});
  const pending = (await describeGroup(group)).body;
  expect(pending.state).toBe("Reconciling");
  const revokedFromB = pending.members.find(
    (m: { memberId: string }) => m.memberId === b.memberId,
  ).partitionsPendingRevocation;
  expect(keys(revokedFromB)).toHaveLength(1);
  // b releases: d gets exactly b's partition; c's stays with c until c releases.
  await b.heartbeat();
  await d.heartbeat();
  expect(keys(d.assignment)).toEqual(keys(revokedFromB));
  await c.heartbeat();
  await d.heartbeat();
  expect(d.count()).toBe(2);
  await settle([b, c, d]);
  expect([b, c, d].flatMap((m) => keys(m.assignment)).sort()).toEqual(
    [0, 1, 2, 3, 4, 5].map((p) => `${topic}:${p}`).sort(),
  );
});

it("expires a member that stops heartbeating and gives its partitions to the others", async () => {
  const topic = uniqueTopic("gexpire");
  await createTopic(topic, 4);
  const group = uniqueTopic("group");
  const quitter = await GroupMember.join(group, [topic], { sessionTimeoutMs: 1_500 });
  const stayer = await GroupMember.join(group, [topic], { sessionTimeoutMs: 30_000 });
  expect(quitter.memberEpoch).toBeGreaterThan(0);
  await settle([quitter, stayer]);
  expect([quitter.count(), stayer.count()]).toEqual([2, 2]);
  const lastBeat = performance.now();
  await until(
    async () => {
      await stayer.heartbeat();
      return stayer.count() === 4;
    },
    10_000,
    250,
  );
  const expiredAfterMs = performance.now() - lastBeat;
  console.log(`[groups] a silent member (sessionTimeoutMs 1500) was expired after ${expiredAfterMs.toFixed(0)} ms`);
  expect(expiredAfterMs).toBeGreaterThanOrEqual(1_400);
  expect(expiredAfterMs).toBeLessThan(6_000);
  const { body } = await describeGroup(group);
  expect(body.members.map((m: { memberId: string }) => m.memberId)).toEqual([stayer.memberId]);
  expect(body.state).toBe("Stable");
  const refused = await quitter.heartbeat();
  expect(refused.status).toBe(409);
  expect(refused.body.error).toMatchObject({ code: "UNKNOWN_MEMBER_ID", retriable: false });
});

it("settles and moves partitions within heartbeat intervals when members heartbeat on their own", async () => {
  const topic = uniqueTopic("gloop");
  await createTopic(topic, 6);
  const group = uniqueTopic("group");
  // A 1.5 s session gives a 500 ms heartbeat interval.
  const started = performance.now();
  const members = await Promise.all([0, 1, 2].map(() => GroupMember.join(group, [topic], { sessionTimeoutMs: 1_500 })));
  const stopped = new Set<GroupMember>();
  const loops = members.map((m) => m.heartbeatLoop(() => stopped.has(m)));
  // Stable at the coordinator may come before the answer that gave the last member its
  // partitions has reached it: wait for both.
  await until(
    async () => (await describeGroup(group)).body.state === "Stable" && members.every((m) => m.count() === 2),
    10_000,
    20,
  );
  const stableMs = performance.now() - started;
  expect(members.map((m) => m.count())).toEqual([2, 2, 2]);

  const [a, b, c] = members as [GroupMember, GroupMember, GroupMember];
  stopped.add(a);
  const left = performance.now();
  await a.leave();
  await until(async () => b.count() + c.count() === 6, 10_000, 10);
  const movedMs = performance.now() - left;
  for (const m of members) stopped.add(m);
  await Promise.all(loops);
  console.log(
    `[groups] heartbeating every ${a.heartbeatIntervalMs} ms: stable after ${stableMs.toFixed(0)} ms, a departed member's partitions moved in ${movedMs.toFixed(0)} ms`,
  );
  expect(stableMs).toBeLessThan(3 * a.heartbeatIntervalMs + 1_000);
  expect(movedMs).toBeLessThan(a.heartbeatIntervalMs + 1_000);
});

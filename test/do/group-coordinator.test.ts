// The group coordinator DO: reconciliation over random join/leave/heartbeat histories
// (never two holders, every partition owned, balance within one), expiry through the
// alarm, rebalance timeouts, and state that survives a restart.

import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { groupStub } from "../../src/group/group-stubs.js";
import type { Assignment, GroupDescription } from "../../src/protocol/group.js";
import { seededRandom } from "../random.js";
import { beat, count, createdTopic, described, keysOf, manualClock, newGroup } from "./group-helpers.js";

interface Client {
  memberId: string;
  memberEpoch: number;
  topics: string[];
  /** The last assignment received. */
  assignment: Assignment;
  /** What the consumer may still be reading: grants, minus what it has released. */
  held: Set<string>;
}

/** Every partition of subscribed topics has a target owner subscribed to its topic,
 * and no partition could move to a subscriber with two fewer partitions. */
function checkTarget(description: GroupDescription, partitionCounts: Map<string, number>) {
  const owners = new Map<string, string>();
  for (const m of description.members) for (const key of keysOf(m.targetAssignment)) owners.set(key, m.memberId);
  const load = new Map(description.members.map((m) => [m.memberId, count(m.targetAssignment)]));
  for (const topic of new Set(description.members.flatMap((m) => m.topics))) {
    for (let p = 0; p < partitionCounts.get(topic)!; p++) {
      const owner = owners.get(`${topic}:${p}`);
      expect(owner, `${topic}:${p} has a target owner`).toBeDefined();
      for (const m of description.members) {
        if (m.topics.includes(topic)) expect(load.get(owner!)! - load.get(m.memberId)!).toBeLessThanOrEqual(1);
      }
    }
  }
}

function checkSingleHolders(clients: readonly Client[], description: GroupDescription) {
  const seen = new Map<string, string>();
  for (const c of clients) {
    for (const key of c.held) {
      expect(seen.get(key), `${key} held by ${seen.get(key)} and ${c.memberId}`).toBeUndefined();
      seen.set(key, c.memberId);
    }
  }
  const server = description.members.flatMap((m) => [
    ...keysOf(m.assignment),
    ...keysOf(m.partitionsPendingRevocation),
  ]);
  expect(new Set(server).size).toBe(server.length);
}

describe("group coordinator reconciliation", () => {
  for (const seed of [11, 12, 13]) {
    it(`never gives a partition two holders over random join/leave/heartbeat/group fetch (seed ${seed})`, async () => {
      const random = seededRandom(seed);
      const topics = [await createdTopic(4), await createdTopic(3)];
      const partitionCounts = new Map([
        [topics[0]!, 4],
        [topics[1]!, 3],
      ]);
      const homogeneous = seed !== 12;
      const { groupId, stub } = newGroup();
      let clients: Client[] = [];

      const heartbeat = async (c: Client, release: boolean) => {
        // A consumer stops reading revoked partitions before it says so.
        if (release) c.held = new Set(keysOf(c.assignment));
        const reply = await beat(stub, groupId, {
          memberId: c.memberId,
          memberEpoch: c.memberEpoch,
          ownedPartitions: release ? c.assignment : undefined,
        });
        c.memberEpoch = reply.memberEpoch;
        c.assignment = reply.assignment;
        for (const key of keysOf(reply.assignment)) c.held.add(key);
      };

      for (let step = 0; step < 60; step++) {
        const op = random.int(10);
        if (op < 3 || clients.length === 0) {
          if (clients.length < 6) {
            const subscription = homogeneous ? topics : topics.filter(() => random.next() < 0.7);
            const c: Client = {
              memberId: "",
              memberEpoch: 0,
              topics: subscription.length > 0 ? subscription : [topics[0]!],
              assignment: {},
              held: new Set(),
            };
            const reply = await beat(stub, groupId, { memberEpoch: 0, topics: c.topics });
            Object.assign(c, {
              memberId: reply.memberId,
              memberEpoch: reply.memberEpoch,
              assignment: reply.assignment,
            });
            for (const key of keysOf(reply.assignment)) c.held.add(key);
            clients.push(c);
          }
        } else if (op < 4) {
          const c = random.pick(clients);
          await beat(stub, groupId, { memberId: c.memberId, memberEpoch: -1 });
          clients = clients.filter((x) => x !== c);
        } else if (op < 6) {
          // A stateless member's group fetch: it holds nothing between calls.
          const c = random.pick(clients);
          c.held = new Set();
          const reply = await stub.fetchPositions(c.memberId, c.memberEpoch, []);
          if (!reply.ok) throw new Error(JSON.stringify(reply.error));
          c.memberEpoch = reply.memberEpoch;
          c.assignment = reply.assignment;
          c.held = new Set(keysOf(reply.assignment));
        } else {
          await heartbeat(random.pick(clients), random.next() < 0.7);
        }
        const description = await described(stub);
        expect(description.members.map((m) => m.memberId).sort()).toEqual(clients.map((c) => c.memberId).sort());
        checkSingleHolders(clients, description);
        checkTarget(description, partitionCounts);
      }

      // Well-behaved heartbeats from everyone reach the target: Stable, every partition owned.
      for (let round = 0; round < 3; round++) for (const c of clients) await heartbeat(c, true);
      const settled = await described(stub);
      expect(settled.state).toBe("Stable");
      for (const m of settled.members) expect(m.assignment).toEqual(m.targetAssignment);
      checkSingleHolders(clients, settled);
      const owned = new Set(settled.members.flatMap((m) => keysOf(m.assignment)));
      const subscribed = new Set(settled.members.flatMap((m) => m.topics));
      expect(owned.size).toBe([...subscribed].reduce((n, t) => n + partitionCounts.get(t)!, 0));
      if (homogeneous) {
        const loads = settled.members.map((m) => count(m.assignment));
        expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
      }
    });
  }

  it("gives a partition to a new member only once its owner stops listing it", async () => {
    const topic = await createdTopic(2);
    const { groupId, stub } = newGroup();
    const a = await beat(stub, groupId, { memberEpoch: 0, topics: [topic] });
    expect(a.assignment).toEqual({ [topic]: [0, 1] });
    const b = await beat(stub, groupId, { memberEpoch: 0, topics: [topic] });
    expect(b.assignment).toEqual({});
    const revoked = await beat(stub, groupId, { memberId: a.memberId, memberEpoch: a.memberEpoch });
    expect(revoked).toMatchObject({ memberEpoch: a.memberEpoch, assignment: { [topic]: [0] } });
    expect(await beat(stub, groupId, { memberId: b.memberId, memberEpoch: b.memberEpoch })).toMatchObject({
      assignment: {},
    });
    expect((await described(stub)).state).toBe("Reconciling");
    const released = await beat(stub, groupId, {
      memberId: a.memberId,
      memberEpoch: a.memberEpoch,
      ownedPartitions: { [topic]: [0] },
    });
    expect(released.memberEpoch).toBe(b.memberEpoch);
    expect(await beat(stub, groupId, { memberId: b.memberId, memberEpoch: b.memberEpoch })).toMatchObject({
      assignment: { [topic]: [1] },
    });
    expect((await described(stub)).state).toBe("Stable");
  });
});

describe("group coordinator limits", () => {
  it("admits at most maxGroupMembers members (8 in these tests), and still lets one rejoin", async () => {
    const topic = await createdTopic(1);
    const { groupId, stub } = newGroup();
    const joined = [];
    for (let i = 0; i < 8; i++) joined.push(await beat(stub, groupId, { memberEpoch: 0, topics: [topic] }));
    expect(await stub.heartbeat(groupId, { memberEpoch: 0, topics: [topic] })).toMatchObject({
      ok: false,
      error: { code: "GROUP_MAX_SIZE_REACHED" },
    });
    const rejoined = await beat(stub, groupId, { memberId: joined[0]!.memberId, memberEpoch: 0, topics: [topic] });
    expect(rejoined.memberId).toBe(joined[0]!.memberId);
    expect((await described(stub)).members).toHaveLength(8);
  });
});

describe("group coordinator subscriptions", () => {
  it("bounds the topics of all members together at maxSubscribedTopics (100)", async () => {
    const { groupId, stub } = newGroup();
    const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${groupId}-${i}`);
    await beat(stub, groupId, { memberEpoch: 0, topics: names("a", 60) });
    expect(await stub.heartbeat(groupId, { memberEpoch: 0, topics: names("b", 41) })).toMatchObject({
      ok: false,
      error: { code: "INVALID_REQUEST" },
    });
    // Shared topics count once.
    const b = await beat(stub, groupId, { memberEpoch: 0, topics: [...names("a", 60), ...names("b", 40)] });
    expect(b.assignment).toEqual({});
    expect((await described(stub)).members).toHaveLength(2);
  });
});

describe("group coordinator deadlines", () => {
  it("expires a member whose session ran out, through the alarm, and reassigns its partitions", async () => {
    const topic = await createdTopic(4);
    const { groupId, stub } = newGroup();
    const clock = await manualClock(stub);
    const a = await beat(stub, groupId, { memberEpoch: 0, topics: [topic], sessionTimeoutMs: 1_000 });
    const b = await beat(stub, groupId, { memberEpoch: 0, topics: [topic], sessionTimeoutMs: 60_000 });
    await beat(stub, groupId, { memberId: a.memberId, memberEpoch: a.memberEpoch, ownedPartitions: {} });
    const due = await runInDurableObject(stub, (_, state) =>
      state.storage.sql.exec<{ due_at: number }>("SELECT due_at FROM alarm_tasks WHERE name = 'expiry'").one(),
    );
    expect(due.due_at).toBe(clock.now() + 1_000);
    clock.advance(999);
    await runDurableObjectAlarm(stub);
    expect((await described(stub)).members).toHaveLength(2);
    clock.advance(1);
    await runDurableObjectAlarm(stub);
    expect((await described(stub)).members.map((m) => m.memberId)).toEqual([b.memberId]);
    expect(await stub.commitOffsets(a.memberId, a.memberEpoch, [{ topic, partition: 0, offset: 1 }])).toMatchObject({
      ok: false,
      error: { code: "UNKNOWN_MEMBER_ID" },
    });
    const after = await beat(stub, groupId, { memberId: b.memberId, memberEpoch: b.memberEpoch });
    expect(after.assignment).toEqual({ [topic]: [0, 1, 2, 3] });
    expect((await described(stub)).state).toBe("Stable");
  });

  it("removes a member that does not release revoked partitions within its rebalance timeout", async () => {
    const topic = await createdTopic(2);
    const { groupId, stub } = newGroup();
    const clock = await manualClock(stub);
    const a = await beat(stub, groupId, { memberEpoch: 0, topics: [topic], rebalanceTimeoutMs: 1_000 });
    const b = await beat(stub, groupId, { memberEpoch: 0, topics: [topic] });
    // a keeps its session alive but never stops listing partition 1: b gets it only
    // once a is gone.
    for (let elapsedMs = 0; elapsedMs < 1_000; elapsedMs += 250) {
      expect(await beat(stub, groupId, { memberId: a.memberId, memberEpoch: a.memberEpoch })).toBeTruthy();
      const got = await beat(stub, groupId, { memberId: b.memberId, memberEpoch: b.memberEpoch });
      expect(count(got.assignment)).toBe(0);
      await runDurableObjectAlarm(stub);
      expect((await described(stub)).members).toHaveLength(2);
      clock.advance(250);
    }
    await runDurableObjectAlarm(stub);
    expect((await described(stub)).members.map((m) => m.memberId)).toEqual([b.memberId]);
    expect(await stub.heartbeat(groupId, { memberId: a.memberId, memberEpoch: a.memberEpoch })).toMatchObject({
      ok: false,
      error: { code: "UNKNOWN_MEMBER_ID" },
    });
    expect(await beat(stub, groupId, { memberId: b.memberId, memberEpoch: b.memberEpoch })).toMatchObject({
      assignment: { [topic]: [0, 1] },
    });
  });

  it("keeps members, epochs and committed offsets across a restart", async () => {
    const topic = await createdTopic(2);
    const { groupId, stub } = newGroup();
    const a = await beat(stub, groupId, { memberEpoch: 0, topics: [topic] });
    expect(
      await stub.commitOffsets(a.memberId, a.memberEpoch, [{ topic, partition: 1, offset: 7, metadata: "m" }]),
    ).toEqual({ ok: true });
    await abortAllDurableObjects();
    const reopened = groupStub(env, groupId);
    const offsets = await reopened.committedOffsets();
    expect(offsets).toMatchObject({ ok: true, offsets: [{ topic, partition: 1, offset: 7, metadata: "m" }] });
    expect(await beat(reopened, groupId, { memberId: a.memberId, memberEpoch: a.memberEpoch })).toMatchObject({
      memberEpoch: a.memberEpoch,
      assignment: { [topic]: [0, 1] },
    });
  });
});

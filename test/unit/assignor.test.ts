// The sticky uniform assignor as a pure function, over random membership histories:
// every partition of a subscribed topic has exactly one target owner, owners
// subscribe to its topic, loads are balanced within one, and partitions stay put.

import { describe, expect, it } from "vitest";
import { type AssignorMember, assignPartitions, type TargetAssignment } from "../../src/group/assignor.js";
import { partitionKey, splitKey } from "../../src/protocol/assignment.js";
import { seededRandom } from "../random.js";

const TOPICS = ["a", "b", "c"];

function checkTarget(
  members: readonly AssignorMember[],
  counts: ReadonlyMap<string, number>,
  target: TargetAssignment,
) {
  const owners = new Map<string, string>();
  for (const [memberId, keys] of target) {
    const member = members.find((m) => m.memberId === memberId)!;
    for (const key of keys) {
      const { topic, partition } = splitKey(key);
      if (owners.has(key)) throw new Error(`${key} has two owners`);
      if (!member.topics.includes(topic) || partition >= (counts.get(topic) ?? 0)) {
        throw new Error(`${key} given to ${memberId}, which cannot have it`);
      }
      owners.set(key, memberId);
    }
  }
  for (const topic of new Set(members.flatMap((m) => m.topics))) {
    for (let p = 0; p < (counts.get(topic) ?? 0); p++) {
      if (!owners.has(partitionKey(topic, p))) throw new Error(`${topic}:${p} has no owner`);
    }
  }
  // Balance: no partition could move to a subscriber of its topic with 2 fewer.
  const load = (id: string) => target.get(id)!.size;
  const unbalanced = [...owners].filter(([key, owner]) =>
    members.some((m) => m.topics.includes(splitKey(key).topic) && load(owner) - load(m.memberId) > 1),
  );
  expect(unbalanced).toEqual([]);
}

describe("sticky uniform assignor", () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`keeps every invariant over a random history (seed ${seed})`, () => {
      const random = seededRandom(seed);
      const homogeneous = seed % 2 === 0;
      const counts = new Map(TOPICS.map((t) => [t, 1 + random.int(8)]));
      let members: AssignorMember[] = [];
      let previous: TargetAssignment = new Map();
      let next = 0;
      for (let step = 0; step < 200; step++) {
        const op = random.int(10);
        let leaving: string | null = null;
        if (op < 4 || members.length === 0) {
          const topics = homogeneous ? TOPICS : TOPICS.filter(() => random.next() < 0.6);
          members.push({ memberId: `m${next++}`, topics: topics.length > 0 ? topics : ["a"] });
        } else if (op < 7) {
          leaving = random.pick(members).memberId;
          members = members.filter((m) => m.memberId !== leaving);
        } else if (op < 9) {
          const topic = random.pick(TOPICS);
          counts.set(topic, counts.get(topic)! + random.int(3));
        } else if (!homogeneous) {
          const m = random.pick(members);
          m.topics = TOPICS.filter((t) => t !== random.pick(TOPICS));
        }
        const target = assignPartitions(members, counts, previous);
        checkTarget(members, counts, target);
        if (homogeneous && members.length > 0) {
          const loads = members.map((m) => target.get(m.memberId)!.size);
          expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
        }
        if (homogeneous && leaving !== null) {
          // Stickiness: when a member leaves, the others keep all they had.
          for (const m of members)
            for (const key of previous.get(m.memberId)!) expect(target.get(m.memberId)!.has(key)).toBe(true);
        }
        previous = target;
      }
    });
  }

  it("gives the same answer again when nothing changed", () => {
    const members = [0, 1, 2].map((i) => ({ memberId: `m${i}`, topics: ["a", "b"] }));
    const counts = new Map([
      ["a", 4],
      ["b", 3],
    ]);
    const first = assignPartitions(members, counts, new Map());
    expect([...first.values()].map((s) => s.size)).toEqual([3, 2, 2]);
    expect(assignPartitions(members, counts, first)).toEqual(first);
  });

  it("moves only what balance needs when a member joins", () => {
    const three = [0, 1, 2].map((i) => ({ memberId: `m${i}`, topics: ["a"] }));
    const counts = new Map([["a", 6]]);
    const before = assignPartitions(three, counts, new Map());
    const after = assignPartitions([...three, { memberId: "m3", topics: ["a"] }], counts, before);
    expect(after.get("m3")!.size).toBe(1);
    let kept = 0;
    for (const m of three) for (const key of before.get(m.memberId)!) if (after.get(m.memberId)!.has(key)) kept++;
    expect(kept).toBe(5);
  });

  it("assigns nothing of a topic that does not exist yet", () => {
    const target = assignPartitions([{ memberId: "m", topics: ["later"] }], new Map(), new Map());
    expect(target.get("m")!.size).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import {
  assignVerdict,
  followVerdict,
  isLeader,
  type RoleAssignment,
  supersedes,
  transition,
  withoutLeader,
} from "../../src/partition/replica-role.js";
import type { PartitionState } from "../../src/protocol/topic.js";

const state: PartitionState = {
  partition: 0,
  replicas: [0, 1, 2],
  leader: 1,
  leaderEpoch: 4,
  isr: [0, 1, 2],
  partitionEpoch: 7,
};
function replica(r: number, changes: Partial<PartitionState> = {}): RoleAssignment {
  return { topicId: "t", replica: r, state: { ...state, ...changes } };
}

describe("assignVerdict", () => {
  it("adopts the first assignment and any newer one", () => {
    expect(assignVerdict(null, replica(0))).toEqual({ kind: "adopt" });
    expect(assignVerdict(replica(0), replica(0, { leaderEpoch: 5, partitionEpoch: 0 }))).toEqual({ kind: "adopt" });
    expect(assignVerdict(replica(0), replica(0, { partitionEpoch: 8 }))).toEqual({ kind: "adopt" });
  });

  it("fences an older leaderEpoch and ignores an older partitionEpoch of the same one", () => {
    expect(assignVerdict(replica(0), replica(0, { leaderEpoch: 3, partitionEpoch: 99 }))).toMatchObject({
      kind: "fenced",
      message: "leaderEpoch 3 is older than 4",
    });
    expect(assignVerdict(replica(0), replica(0, { partitionEpoch: 6 }))).toEqual({ kind: "stale" });
  });

  it("refuses to change a replica's identity", () => {
    expect(() => assignVerdict(replica(0), replica(1))).toThrow("replica identity is fixed");
    expect(() => assignVerdict(replica(0), { ...replica(0), topicId: "u" })).toThrow("replica identity is fixed");
  });
});

describe("followVerdict", () => {
  it("fences an older leader, follows the same one and adopts a newer one with its leader", () => {
    expect(followVerdict(replica(0), 3, 1)).toMatchObject({ kind: "fenced" });
    expect(followVerdict(replica(0), 4, 1)).toEqual({ kind: "same" });
    expect(followVerdict(replica(0), 6, 2)).toEqual({ kind: "adopt", next: replica(0, { leaderEpoch: 6, leader: 2 }) });
  });
});

describe("supersedes", () => {
  it("takes a newer state from anyone, the controller's own at the same leaderEpoch, never an older one", () => {
    expect(supersedes(state, { ...state, partitionEpoch: 8 }, false)).toBe(true);
    expect(supersedes(state, { ...state, leaderEpoch: 5, partitionEpoch: 0 }, false)).toBe(true);
    expect(supersedes(state, { ...state, isr: [1] }, false)).toBe(false);
    expect(supersedes(state, { ...state, isr: [1] }, true)).toBe(true);
    expect(supersedes(state, { ...state, leaderEpoch: 3, partitionEpoch: 99 }, true)).toBe(false);
  });
});

describe("transition", () => {
  it("keeps a leadership only for the same leader at the same leaderEpoch", () => {
    expect(transition(replica(1), replica(1, { isr: [1], partitionEpoch: 8 }))).toEqual({
      keepLeadership: true,
      lead: true,
    });
    expect(transition(replica(1), replica(1, { leaderEpoch: 5 }))).toEqual({ keepLeadership: false, lead: true });
    expect(transition(replica(1), replica(1, { leaderEpoch: 5, leader: 2 }))).toEqual({
      keepLeadership: false,
      lead: false,
    });
    expect(transition(null, replica(0))).toEqual({ keepLeadership: false, lead: false });
  });

  it("asserts that leaderEpochs never decrease", () => {
    expect(() => transition(replica(1), replica(1, { leaderEpoch: 3 }))).toThrow("epochs never decrease");
  });
});

describe("roles", () => {
  it("a replica leads only when the assignment names it, and not once it lost its leader", () => {
    expect(isLeader(replica(1))).toBe(true);
    expect(isLeader(replica(0))).toBe(false);
    expect(isLeader(null)).toBe(false);
    expect(isLeader(withoutLeader(replica(1)))).toBe(false);
    expect(withoutLeader(replica(1)).state).toEqual({ ...state, leader: -1 });
  });
});

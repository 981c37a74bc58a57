import { describe, expect, it } from "vitest";
import { decideAlterPartition, electionCandidates, offline, withLeader } from "../../src/controller/election.js";
import type { PartitionState } from "../../src/protocol/topic.js";

const state: PartitionState = {
  partition: 0,
  replicas: [0, 1, 2],
  leader: 0,
  leaderEpoch: 4,
  isr: [0, 2],
  partitionEpoch: 9,
};

describe("electionCandidates", () => {
  it("offers the ISR but the failed leader, in ISR order, each with that ISR", () => {
    expect(electionCandidates(state, 0, false)).toEqual([{ replica: 2, isr: [2] }]);
    expect(electionCandidates({ ...state, isr: [0, 1, 2] }, 0, false)).toEqual([
      { replica: 1, isr: [1, 2] },
      { replica: 2, isr: [1, 2] },
    ]);
  });

  it("never offers a replica outside the ISR unless unclean election is allowed, and then alone", () => {
    expect(electionCandidates({ ...state, isr: [0] }, 0, false)).toEqual([]);
    expect(electionCandidates({ ...state, isr: [0] }, 0, true)).toEqual([
      { replica: 1, isr: [1] },
      { replica: 2, isr: [2] },
    ]);
  });

  it("keeps a live leader among the candidates when no replica failed (an offline partition)", () => {
    expect(electionCandidates({ ...state, leader: -1 }, null, false).map((c) => c.replica)).toEqual([0, 2]);
  });
});

describe("election states", () => {
  it("bumps leaderEpoch and partitionEpoch with every attempt and going offline", () => {
    const first = withLeader(state, { replica: 2, isr: [2] });
    expect(first).toMatchObject({ leader: 2, leaderEpoch: 5, partitionEpoch: 10, isr: [2] });
    const second = withLeader(first, { replica: 1, isr: [1] });
    expect(second).toMatchObject({ leader: 1, leaderEpoch: 6, partitionEpoch: 11 });
    expect(offline(second, state.isr)).toMatchObject({ leader: -1, leaderEpoch: 7, partitionEpoch: 12, isr: [0, 2] });
  });
});

describe("decideAlterPartition", () => {
  const request = { partition: 0, replica: 0, leaderEpoch: 4, partitionEpoch: 9, isr: [0, 1, 2] };

  it("applies the current leader's change with a new partitionEpoch", () => {
    expect(decideAlterPartition(state, request)).toEqual({
      kind: "apply",
      next: { ...state, isr: [0, 1, 2], partitionEpoch: 10 },
    });
  });

  it("answers stale to another replica, an old leaderEpoch or an old partitionEpoch", () => {
    expect(decideAlterPartition(state, { ...request, replica: 2 }).kind).toBe("stale");
    expect(decideAlterPartition(state, { ...request, leaderEpoch: 3 }).kind).toBe("stale");
    expect(decideAlterPartition(state, { ...request, partitionEpoch: 8 }).kind).toBe("stale");
  });

  it("refuses an ISR without the leader, with unknown or repeated replicas", () => {
    for (const isr of [
      [1, 2],
      [0, 3],
      [0, 0],
    ]) {
      expect(decideAlterPartition(state, { ...request, isr }).kind).toBe("invalid");
    }
  });
});

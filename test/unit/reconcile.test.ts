// One member's KIP-848 reconciliation step, as a pure function.

import { describe, expect, it } from "vitest";
import { acknowledgeOwned, isReconciled, type MemberAssignmentState, reconcile } from "../../src/group/reconcile.js";

function member(assigned: string[], target: string[], memberEpoch = 1): MemberAssignmentState {
  return {
    memberEpoch,
    previousMemberEpoch: 0,
    assigned: new Set(assigned),
    revoking: new Set(),
    target: new Set(target),
  };
}

describe("reconcile", () => {
  it("revokes first and reaches the target epoch only once the member released", () => {
    const m = member(["t:0", "t:1"], ["t:0", "t:2"]);
    reconcile(m, 2, new Set());
    expect([...m.assigned]).toEqual(["t:0"]);
    expect([...m.revoking]).toEqual(["t:1"]);
    expect(m.memberEpoch).toBe(1);
    acknowledgeOwned(m, null);
    reconcile(m, 2, new Set());
    expect(m.memberEpoch).toBe(1);
    acknowledgeOwned(m, new Set(["t:0"]));
    reconcile(m, 2, new Set());
    expect(m).toMatchObject({ memberEpoch: 2, previousMemberEpoch: 1 });
    expect([...m.assigned].sort()).toEqual(["t:0", "t:2"]);
    expect(isReconciled(m, 2)).toBe(true);
  });

  it("grants a target partition only while no other member holds it", () => {
    const m = member([], ["t:0", "t:1"]);
    reconcile(m, 3, new Set(["t:1"]));
    expect([...m.assigned]).toEqual(["t:0"]);
    expect(m.memberEpoch).toBe(3);
    expect(isReconciled(m, 3)).toBe(false);
    reconcile(m, 3, new Set());
    expect(isReconciled(m, 3)).toBe(true);
  });

  it("keeps a revoked partition the target gives back before it was released", () => {
    const m = member(["t:0", "t:1"], ["t:0"]);
    reconcile(m, 2, new Set());
    expect([...m.revoking]).toEqual(["t:1"]);
    m.target = new Set(["t:0", "t:1"]);
    reconcile(m, 3, new Set());
    expect(m.revoking.size).toBe(0);
    expect([...m.assigned].sort()).toEqual(["t:0", "t:1"]);
    expect(m.memberEpoch).toBe(3);
  });
});

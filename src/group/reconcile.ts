// KIP-848 reconciliation of one member towards its target assignment. A partition
// leaves the member's assignment at once when the target drops it, but stays in
// `revoking` (still held) until the member stops listing it in ownedPartitions; the
// member reaches the target epoch only then, and is given a target partition only
// while no other member holds it. So a partition never has two holders.

import type { PartitionKey } from "../protocol/assignment.js";

export interface MemberAssignmentState {
  memberEpoch: number;
  previousMemberEpoch: number;
  /** Given to the member: it may consume these. */
  assigned: Set<PartitionKey>;
  /** Taken away, but the member may still be consuming them. */
  revoking: Set<PartitionKey>;
  target: Set<PartitionKey>;
}

/** Partitions `member` holds, given or not yet released. */
export function heldBy(member: MemberAssignmentState): Set<PartitionKey> {
  return new Set([...member.assigned, ...member.revoking]);
}

/** Forgets revoked partitions the member no longer owns (null: it did not say). */
export function acknowledgeOwned(member: MemberAssignmentState, owned: ReadonlySet<PartitionKey> | null): void {
  if (owned === null) return;
  for (const key of member.revoking) if (!owned.has(key)) member.revoking.delete(key);
}

/** Moves the member one step towards its target at `targetEpoch`. */
export function reconcile(
  member: MemberAssignmentState,
  targetEpoch: number,
  heldByOthers: ReadonlySet<PartitionKey>,
): void {
  for (const key of member.assigned) {
    if (member.target.has(key)) continue;
    member.assigned.delete(key);
    member.revoking.add(key);
  }
  // A partition the target gives back before the member released it: it never left.
  for (const key of member.revoking) {
    if (!member.target.has(key)) continue;
    member.revoking.delete(key);
    member.assigned.add(key);
  }
  if (member.revoking.size > 0) return;
  if (member.memberEpoch !== targetEpoch) {
    member.previousMemberEpoch = member.memberEpoch;
    member.memberEpoch = targetEpoch;
  }
  for (const key of member.target) if (!heldByOthers.has(key)) member.assigned.add(key);
}

/** The member owns exactly its target at the target epoch. */
export function isReconciled(member: MemberAssignmentState, targetEpoch: number): boolean {
  return (
    member.memberEpoch === targetEpoch &&
    member.revoking.size === 0 &&
    member.assigned.size === member.target.size &&
    [...member.target].every((k) => member.assigned.has(k))
  );
}

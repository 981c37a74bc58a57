// A replica's role as its assignments decide it: pure rules, so that the epoch
// invariants are checked in one place and tested without a Durable Object.
// Kafka's rules: a leaderEpoch never decreases, a partitionEpoch only grows within a
// leaderEpoch, and a replica leads only in the epoch that made it leader.

import { invariant } from "../common/invariant.js";
import type { PartitionState } from "../protocol/topic.js";

/** What the rules read of an assignment: who the replica is and the partition's
 * state (the topic config plays no part). */
export interface RoleAssignment {
  topicId: string;
  replica: number;
  state: PartitionState;
}

export function isLeader(assignment: RoleAssignment | null): boolean {
  return assignment !== null && assignment.state.leader === assignment.replica;
}

/** What the controller's `assign` does to the current assignment. */
export type AssignVerdict = { kind: "adopt" } | { kind: "stale" } | { kind: "fenced"; message: string };

export function assignVerdict(current: RoleAssignment | null, next: RoleAssignment): AssignVerdict {
  if (!current) return { kind: "adopt" };
  invariant(
    current.topicId === next.topicId &&
      current.state.partition === next.state.partition &&
      current.replica === next.replica,
    "replica identity is fixed",
  );
  if (next.state.leaderEpoch < current.state.leaderEpoch) {
    return {
      kind: "fenced",
      message: `leaderEpoch ${next.state.leaderEpoch} is older than ${current.state.leaderEpoch}`,
    };
  }
  const stale =
    next.state.leaderEpoch === current.state.leaderEpoch && next.state.partitionEpoch < current.state.partitionEpoch;
  return stale ? { kind: "stale" } : { kind: "adopt" };
}

/** Whether `state` (from a peer, or with `authoritative` from the controller's own
 * answer) replaces the one known here: a newer one always does, the controller's at
 * the same leaderEpoch too. */
export function supersedes(current: PartitionState, state: PartitionState, authoritative: boolean): boolean {
  const newer =
    state.leaderEpoch > current.leaderEpoch ||
    (state.leaderEpoch === current.leaderEpoch && state.partitionEpoch > current.partitionEpoch);
  return newer || (authoritative && state.leaderEpoch >= current.leaderEpoch);
}

/** The transition from `previous` to `next`: whether a running leadership goes on. */
export function transition(
  previous: RoleAssignment | null,
  next: RoleAssignment,
): { keepLeadership: boolean; lead: boolean } {
  if (previous) {
    invariant(
      next.state.leaderEpoch >= previous.state.leaderEpoch,
      `leaderEpoch ${next.state.leaderEpoch} after ${previous.state.leaderEpoch}: epochs never decrease`,
    );
  }
  const sameLeadership =
    previous !== null &&
    previous.state.leader === next.state.leader &&
    previous.state.leaderEpoch === next.state.leaderEpoch;
  const lead = isLeader(next);
  return { keepLeadership: sameLeadership && lead, lead };
}

/** The assignment of a replica that no longer knows its leader (it stepped down, or
 * restarted and waits for the controller's word): same epochs, no leader. */
export function withoutLeader<A extends RoleAssignment>(assignment: A): A {
  return { ...assignment, state: { ...assignment.state, leader: -1 } };
}

/** A leader's push or truncate at `leaderEpoch` from `leader`: fenced when older than
 * the epoch known here; a newer one is adopted before the controller's word arrives
 * (only an election can have made it). */
export function followVerdict<A extends RoleAssignment>(
  current: A,
  leaderEpoch: number,
  leader: number,
): { kind: "fenced"; message: string } | { kind: "same" } | { kind: "adopt"; next: A } {
  if (leaderEpoch < current.state.leaderEpoch) {
    return { kind: "fenced", message: `leaderEpoch ${leaderEpoch} is older than ${current.state.leaderEpoch}` };
  }
  if (leaderEpoch === current.state.leaderEpoch) return { kind: "same" };
  return { kind: "adopt", next: { ...current, state: { ...current.state, leader, leaderEpoch } } };
}

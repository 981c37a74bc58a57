// Leader election and AlterPartition as pure decisions on a partition's state: which
// replicas may lead, in which order, with which ISR, and whether a leader's ISR change
// applies. The controller carries them out and stores the result.

import type { ErrorData } from "../protocol/errors.js";
import type { PartitionState } from "../protocol/topic.js";

export interface Candidate {
  replica: number;
  /** The ISR the partition has if this candidate leads. */
  isr: number[];
}

/** The ISR members but the failed one, in ISR order; then, only if unclean election is
 * allowed, the other replicas, each alone in its ISR (it may lack committed records). */
export function electionCandidates(
  state: PartitionState,
  failed: number | null,
  uncleanLeaderElection: boolean,
): Candidate[] {
  const inSync = state.isr.filter((r) => r !== failed);
  const unclean = uncleanLeaderElection
    ? state.replicas.filter((r) => r !== failed && !state.isr.includes(r)).map((r) => ({ replica: r, isr: [r] }))
    : [];
  return [...inSync.map((replica) => ({ replica, isr: inSync })), ...unclean];
}

/** The state an attempt to elect `candidate` stores before the candidate hears of it:
 * a new leaderEpoch per attempt, so two leaders never share one. */
export function withLeader(state: PartitionState, candidate: Candidate): PartitionState {
  return {
    ...state,
    leader: candidate.replica,
    leaderEpoch: state.leaderEpoch + 1,
    partitionEpoch: state.partitionEpoch + 1,
    isr: candidate.isr,
  };
}

/** No candidate accepted: the partition goes offline under a new epoch that fences the
 * old leader, and keeps the ISR it had before the election. */
export function offline(state: PartitionState, isrBefore: number[]): PartitionState {
  return {
    ...state,
    leader: -1,
    leaderEpoch: state.leaderEpoch + 1,
    partitionEpoch: state.partitionEpoch + 1,
    isr: isrBefore,
  };
}

/** A leader's AlterPartition: the ISR it wants, on the partition state it knows. */
export interface AlterPartitionRequest {
  partition: number;
  replica: number;
  leaderEpoch: number;
  partitionEpoch: number;
  isr: number[];
}

export type AlterPartitionDecision =
  | { kind: "stale" }
  | { kind: "invalid"; error: ErrorData }
  | { kind: "apply"; next: PartitionState };

/** Kafka's AlterPartition check: only the leader of the current epochs may change the
 * ISR (compare-and-set on partitionEpoch), to a set of distinct replicas that holds
 * the leader. */
export function decideAlterPartition(state: PartitionState, request: AlterPartitionRequest): AlterPartitionDecision {
  const current =
    request.replica === state.leader &&
    request.leaderEpoch === state.leaderEpoch &&
    request.partitionEpoch === state.partitionEpoch;
  if (!current) return { kind: "stale" };
  const valid =
    request.isr.includes(state.leader) &&
    request.isr.every((r) => state.replicas.includes(r)) &&
    new Set(request.isr).size === request.isr.length;
  if (!valid) {
    return {
      kind: "invalid",
      error: { code: "INVALID_REQUEST", message: `ISR ${JSON.stringify(request.isr)} is not valid for this partition` },
    };
  }
  return { kind: "apply", next: { ...state, isr: request.isr, partitionEpoch: state.partitionEpoch + 1 } };
}

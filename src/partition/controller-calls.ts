// What a replica asks its topic's controller: its own assignment (after missing
// notifications) and, as leader, a new ISR (Kafka's AlterPartition). Each call is
// bounded by peerTimeoutMs; a refusal or an unknown outcome is null.

import { withTimeout } from "../common/timeout.js";
import { controllerStub } from "../controller/controller-stub.js";
import type { Limits } from "../protocol/limits.js";
import type { PartitionState } from "../protocol/topic.js";
import type { ReplicaAssignment } from "./replica-types.js";

export async function askAssignment(
  env: Env,
  limits: Limits,
  assignment: ReplicaAssignment,
): Promise<PartitionState | null> {
  const answer = await withTimeout(
    async () =>
      await controllerStub(env, assignment.topicId).assignmentOf(assignment.state.partition, assignment.replica),
    limits.peerTimeoutMs,
    "assignment refresh",
  );
  return answer.ok ? answer.assignment.state : null;
}

export async function askAlterPartition(
  env: Env,
  limits: Limits,
  assignment: ReplicaAssignment,
  isr: number[],
): Promise<PartitionState | null> {
  const answer = await withTimeout(
    async () =>
      await controllerStub(env, assignment.topicId).alterPartition({
        partition: assignment.state.partition,
        replica: assignment.replica,
        leaderEpoch: assignment.state.leaderEpoch,
        partitionEpoch: assignment.state.partitionEpoch,
        isr,
      }),
    limits.peerTimeoutMs,
    "AlterPartition",
  );
  return answer.ok ? answer.state : null;
}

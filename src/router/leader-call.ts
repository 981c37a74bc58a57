import { controllerStub } from "../controller/controller-stub.js";
import { replicaStub } from "../partition/replica-stub.js";
import { type AnyResult, type Failure, failure } from "../protocol/errors.js";
import type { PartitionState, TopicMetadata } from "../protocol/topic.js";
import { isStaleMetadataError, topicMetadata } from "./metadata-cache.js";
import { nearestInSyncReplica } from "./replica-choice.js";

type ReplicaStub = ReturnType<typeof replicaStub>;

/** Calls the leader of one partition (or, with `nearRegion` on a followerFetch topic,
 * the in-sync replica nearest that region). When the answer says the metadata was
 * stale (moved leader, deleted or re-created topic, new partitions) or the leader could
 * not be reached (then reported to the controller, which checks it and elects another),
 * refreshes the metadata and tries once more. */
export async function callLeader<R extends AnyResult>(
  env: Env,
  topic: string,
  partition: number,
  call: (replica: ReplicaStub, metadata: TopicMetadata) => Promise<R>,
  nearRegion: string | null = null,
): Promise<R | Failure> {
  let metadata = await topicMetadata(env, topic);
  let result: R | Failure = failure("UNKNOWN_TOPIC_OR_PARTITION", `topic ${topic} has no partition ${partition}`);
  for (let attempt = 0; attempt < 2; attempt++) {
    if (attempt > 0) metadata = await topicMetadata(env, topic, true);
    const state = metadata.partitions[partition];
    result = state ? await callOnce(env, metadata, state, call, nearRegion) : result;
    if (result.ok || !isStaleMetadataError(result.error.code)) return result;
  }
  return result;
}

async function callOnce<R extends AnyResult>(
  env: Env,
  metadata: TopicMetadata,
  state: PartitionState,
  call: (replica: ReplicaStub, metadata: TopicMetadata) => Promise<R>,
  nearRegion: string | null,
): Promise<R | Failure> {
  if (state.leader < 0) {
    return failure("NOT_LEADER_OR_FOLLOWER", `partition ${state.partition} has no live in-sync replica to lead it`);
  }
  const target =
    nearRegion && metadata.config.followerFetch
      ? nearestInSyncReplica(metadata.config, state, nearRegion)
      : state.leader;
  try {
    return await call(replicaStub(env, metadata.topicId, metadata.config, state.partition, target), metadata);
  } catch (e) {
    if (target === state.leader) await reportUnreachable(env, metadata, state);
    // The outcome is unknown, as after a Kafka request timeout; the caller may retry.
    return failure("NOT_LEADER_OR_FOLLOWER", `partition ${state.partition} replica ${target} failed: ${String(e)}`);
  }
}

async function reportUnreachable(env: Env, metadata: TopicMetadata, state: PartitionState): Promise<void> {
  try {
    await controllerStub(env, metadata.topicId).reportUnreachable({
      partition: state.partition,
      replica: state.leader,
      leaderEpoch: state.leaderEpoch,
    });
  } catch {
    // The controller's own liveness checks will find the dead leader.
  }
}

import { replicaStub } from "../partition/replica-stub.js";
import { type AnyResult, type Failure, failure } from "../protocol/errors.js";
import type { TopicMetadata } from "../protocol/topic.js";
import { isStaleMetadataError, topicMetadata } from "./metadata-cache.js";

type ReplicaStub = ReturnType<typeof replicaStub>;

/** Calls the leader of one partition; when the answer says the metadata was stale
 * (moved leader, deleted or re-created topic, new partitions), refreshes it and
 * tries once more. */
export async function callLeader<R extends AnyResult>(
  env: Env,
  topic: string,
  partition: number,
  call: (leader: ReplicaStub, metadata: TopicMetadata) => Promise<R>,
): Promise<R | Failure> {
  let metadata = await topicMetadata(env, topic);
  for (let attempt = 0; attempt < 2; attempt++) {
    const state = metadata.partitions[partition];
    const result: R | Failure = state
      ? await call(replicaStub(env, metadata.topicId, metadata.config, partition, state.leader), metadata).catch(
          // A thrown RPC (object reset, overloaded) leaves the outcome unknown: the
          // client may retry, as Kafka clients do after a request timeout.
          (e: unknown) => failure("REQUEST_TIMED_OUT", `partition ${partition} leader call failed: ${String(e)}`),
        )
      : failure("UNKNOWN_TOPIC_OR_PARTITION", `topic ${topic} has no partition ${partition}`);
    if (result.ok || attempt > 0 || !isStaleMetadataError(result.error.code)) return result;
    metadata = await topicMetadata(env, topic, true);
  }
  return failure("UNKNOWN_TOPIC_OR_PARTITION", `topic ${topic} has no partition ${partition}`);
}

// Calls the leader of a stream's one partition. The head names the topicId it knows, so
// a metadata cache still holding a deleted stream's topic is refreshed before the call
// rather than read from.

import type { replicaStub } from "../partition/replica-stub.js";
import type { AnyResult, Failure } from "../protocol/errors.js";
import { callLeader } from "../router/leader-call.js";
import { topicMetadata } from "../router/metadata-cache.js";

type LeaderCall<R> = (replica: ReturnType<typeof replicaStub>) => Promise<R>;

export const STREAM_PARTITION = 0;

export async function callStreamLeader<R extends AnyResult>(
  env: Env,
  topic: string,
  topicId: string,
  call: LeaderCall<R>,
  nearRegion: string | null = null,
): Promise<R | Failure> {
  const cached = await topicMetadata(env, topic);
  if (cached.topicId !== topicId) await topicMetadata(env, topic, true);
  return await callLeader(env, topic, STREAM_PARTITION, call, nearRegion);
}

// Topic metadata cached in the isolate, so that a produce or fetch costs one DO call.
// Entries are refreshed after metadataMaxAgeMs, on NOT_LEADER_OR_FOLLOWER /
// UNKNOWN_TOPIC_OR_PARTITION from a replica, and after admin changes made here.

import { lookupTopicMetadata } from "../catalog/topic-lookup.js";
import { unwrap } from "../protocol/errors.js";
import type { TopicMetadata } from "../protocol/topic.js";

const METADATA_MAX_AGE_MS = 30_000;
const MAX_CACHED_TOPICS = 10_000;

interface Entry {
  metadata: TopicMetadata;
  fetchedAtMs: number;
}

const cache = new Map<string, Entry>();

export async function topicMetadata(env: Env, name: string, refresh = false): Promise<TopicMetadata> {
  const hit = cache.get(name);
  if (hit && !refresh && Date.now() - hit.fetchedAtMs < METADATA_MAX_AGE_MS) return hit.metadata;
  const fresh = await lookupTopicMetadata(env, name);
  if (!fresh.ok) cache.delete(name);
  const { metadata } = unwrap(fresh);
  remember(metadata);
  return metadata;
}

export function remember(metadata: TopicMetadata): void {
  const hit = cache.get(metadata.name);
  if (hit && hit.metadata.topicId === metadata.topicId && hit.metadata.version > metadata.version) return;
  cache.delete(metadata.name);
  if (cache.size >= MAX_CACHED_TOPICS) cache.delete(cache.keys().next().value!);
  cache.set(metadata.name, { metadata, fetchedAtMs: Date.now() });
}

export function forget(name: string): void {
  cache.delete(name);
}

/** Errors after which fresh metadata may route the same call elsewhere. */
export function isStaleMetadataError(code: string): boolean {
  return code === "NOT_LEADER_OR_FOLLOWER" || code === "UNKNOWN_TOPIC_OR_PARTITION";
}

import { mapBounded } from "../common/bounded-map.js";
import { failure } from "../protocol/errors.js";
import type { CommittedOffset, OffsetWithLag } from "../protocol/group.js";
import type { Limits } from "../protocol/limits.js";
import { callLeader } from "./leader-call.js";

/** Committed offsets with each partition's highWatermark now and the lag behind it,
 * asking the partition leaders with bounded fan-out. */
export async function withLag(env: Env, limits: Limits, offsets: readonly CommittedOffset[]): Promise<OffsetWithLag[]> {
  return await mapBounded(offsets, limits.maxFanOut, async (committed) => {
    // A deleted topic has no leader to ask: its lag is unknown, not an error.
    const latest = await callLeader(env, committed.topic, committed.partition, async (leader) =>
      leader.listOffsets("latest"),
    ).catch((e: unknown) => failure("UNKNOWN_TOPIC_OR_PARTITION", String(e)));
    const highWatermark = latest.ok ? latest.offset : null;
    return {
      ...committed,
      highWatermark,
      lag: highWatermark === null ? null : Math.max(0, highWatermark - committed.offset),
    };
  });
}

/** The group's total lag over the partitions whose lag is known. */
export function totalLag(offsets: readonly OffsetWithLag[]): number {
  return offsets.reduce((sum, o) => sum + (o.lag ?? 0), 0);
}

// What a leader knows of one follower in its leader epoch: what the follower confirmed
// holding (log end, pending logStartOffset, compaction passes), what it was last told,
// and the state of its push loop.

import type { PartitionReplica } from "./partition-replica.js";

export interface FollowerLink {
  replica: number;
  stub: DurableObjectStub<PartitionReplica> | null;
  /** The follower's logEndOffset as confirmed in this leader epoch; null until known. */
  knownLogEndOffset: number | null;
  /** The pending logStartOffset the follower confirmed holding; null until known. */
  knownPendingLogStartOffset: number | null;
  sentHighWatermark: number;
  sentLogStartOffset: number;
  /** The last compaction pass the follower confirmed storing, and the commit it was
   * last told of. */
  knownCompactionSeq: number | null;
  sentCommittedSeq: number;
  lastCaughtUpMs: number;
  syncing: boolean;
  /** Cancels the pending retry after a failed push; null when none is pending. */
  cancelRetry: (() => void) | null;
}

/** A follower nothing is known of yet, last caught up `nowMs` (the leadership's start). */
export function newFollowerLink(replica: number, nowMs: number): FollowerLink {
  return {
    replica,
    stub: null,
    knownLogEndOffset: null,
    knownPendingLogStartOffset: null,
    sentHighWatermark: -1,
    sentLogStartOffset: -1,
    knownCompactionSeq: null,
    sentCommittedSeq: 0,
    lastCaughtUpMs: nowMs,
    syncing: false,
    cancelRetry: null,
  };
}

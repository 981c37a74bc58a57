// How the consumer takes over its member's assignment: revoked partitions are
// committed (with autoCommit) and dropped before the next heartbeat releases them, new
// ones start at the group's committed offsets, and the coordinator hears of it at once.

import { minus, partitionKey, type TopicPartition, toAssignment, toPartitions } from "../protocol/assignment.js";
import type { Assignment } from "../protocol/group.js";
import type { ConsumerEventEmitter } from "./consumer-events.js";
import type { GroupMember } from "./group-member.js";
import type { OffsetCommits } from "./offset-commits.js";
import type { Positions, StartAt } from "./positions.js";

export interface Reconciliation {
  member: GroupMember;
  /** The partitions the consumer holds now. */
  owned: Assignment;
  positions: Positions;
  paused: Set<string>;
  commits: OffsetCommits;
  startAt: StartAt;
  events: ConsumerEventEmitter;
  /** Takes the new holdings, before the coordinator and listeners hear of them. */
  adopt(owned: Assignment): void;
}

export async function reconcileAssignment(r: Reconciliation): Promise<void> {
  const { member, owned, positions, commits } = r;
  const target = member.fenced ? {} : member.assignment;
  const revoked = minus(owned, target);
  const added = minus(target, owned);
  if (revoked.length === 0 && added.length === 0) return;
  if (revoked.length > 0 && commits.settings.autoCommit && !member.fenced) await commits.commitQuietly(revoked);
  for (const { topic, partition } of revoked) {
    positions.delete(topic, partition);
    r.paused.delete(partitionKey(topic, partition));
  }
  if (added.length > 0) {
    const committed = await commits.committedOffsets();
    for (const { topic, partition } of added) {
      const offset = committed.get(partitionKey(topic, partition));
      positions.set(topic, partition, offset ?? r.startAt, offset ?? null);
    }
  }
  const next = toAssignment([...toPartitions(owned).filter((p) => !isIn(revoked, p)), ...added]);
  r.adopt(next);
  member.owned = next;
  member.heartbeatSoon();
  r.events.emit("consumer.group_join", {
    memberId: member.memberId,
    memberEpoch: member.memberEpoch,
    assignment: next,
  });
}

function isIn(partitions: readonly TopicPartition[], p: TopicPartition): boolean {
  return partitions.some((r) => r.topic === p.topic && r.partition === p.partition);
}

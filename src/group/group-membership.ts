// A consumer group's state and the KIP-848 rules that change it: members and their
// epochs, the target assignment, reconciliation, committed offsets, session and
// rebalance deadlines. Synchronous and I/O-free but for its own SQLite (GroupStore),
// with time from an injected clock, so each call is atomic and tests control time.
// The coordinator DO (group-coordinator.ts) does the awaiting around it.

import type { Clock } from "../common/clock.js";
import { invariant } from "../common/invariant.js";
import { assignmentKeys, keysToAssignment, type PartitionKey, splitKey } from "../protocol/assignment.js";
import { type Failure, failure, type Result } from "../protocol/errors.js";
import {
  type CommittedOffset,
  DEFAULT_REBALANCE_TIMEOUT_MS,
  DEFAULT_SESSION_TIMEOUT_MS,
  type GroupDescription,
  type GroupState,
  type HeartbeatRequest,
  type HeartbeatResponse,
  heartbeatIntervalMs,
  JOIN_EPOCH,
  LEAVE_EPOCH,
  type OffsetCommit,
  type StartPosition,
} from "../protocol/group.js";
import type { Limits } from "../protocol/limits.js";
import { assignPartitions } from "./assignor.js";
import { type GroupMeta, GroupStore, type Member } from "./group-store.js";
import { MemberDeadlines } from "./member-deadlines.js";
import { acknowledgeOwned, heldBy, isReconciled, reconcile } from "./reconcile.js";

export interface FetchPositions {
  memberEpoch: number;
  heartbeatIntervalMs: number;
  assignment: HeartbeatResponse["assignment"];
  /** Each assigned partition with its committed offset, null when none is. */
  positions: { topic: string; partition: number; offset: number | null }[];
}

export class GroupMembership {
  meta: GroupMeta | null;
  private members: Map<string, Member>;
  private partitionCounts: Map<string, number>;
  /** What each member row holds in SQLite, to write only changed members. */
  private readonly saved = new Map<string, string>();
  private readonly deadlines = new MemberDeadlines();

  constructor(
    private readonly store: GroupStore,
    private readonly limits: Limits,
    private readonly clock: Clock,
  ) {
    this.meta = store.meta();
    this.members = new Map(store.members().map((m) => [m.memberId, m]));
    this.partitionCounts = store.partitionCounts();
    // After a restart every member gets a fresh session, as after a Kafka coordinator failover.
    const now = clock.now();
    for (const m of this.members.values()) {
      this.saved.set(m.memberId, GroupStore.fingerprint(m));
      this.deadlines.touch(m, now);
    }
  }

  get memberCount(): number {
    return this.members.size;
  }

  hasMember(memberId: string): boolean {
    return this.members.has(memberId);
  }

  /** Every topic a member subscribes to. */
  subscribedTopics(): Set<string> {
    const topics = new Set<string>();
    for (const m of this.members.values()) for (const t of m.topics) topics.add(t);
    return topics;
  }

  knowsTopic(topic: string): boolean {
    return this.partitionCounts.has(topic);
  }

  /** The topics of all members together are bounded: each is looked up every few
   * seconds, and the assignor's work grows with them. */
  checkSubscriptions(request: HeartbeatRequest): Failure | null {
    if (!request.topics || request.memberEpoch === LEAVE_EPOCH) return null;
    const topics = new Set(request.topics);
    for (const m of this.members.values()) if (m.memberId !== request.memberId) for (const t of m.topics) topics.add(t);
    if (topics.size <= this.limits.maxSubscribedTopics) return null;
    return failure(
      "INVALID_REQUEST",
      `the group would subscribe to ${topics.size} topics, over the limit of ${this.limits.maxSubscribedTopics}`,
    );
  }

  /** KIP-848 ConsumerGroupHeartbeat: memberEpoch 0 joins, -1 leaves, else reconciles. */
  heartbeat(groupId: string, request: HeartbeatRequest, clientHost: string): Result<HeartbeatResponse> {
    const crowded = this.checkSubscriptions(request);
    if (crowded) return crowded;
    if (request.memberEpoch === LEAVE_EPOCH) return this.leave(request.memberId ?? "");
    let member: Member;
    if (request.memberEpoch === JOIN_EPOCH) {
      const joined = this.join(groupId, request, clientHost);
      if (!joined.ok) return joined;
      member = joined.member;
    } else {
      const found = this.findMember(request.memberId!, request.memberEpoch, "heartbeat");
      if (!found.ok) return found;
      member = found.member;
      member.sessionTimeoutMs = request.sessionTimeoutMs ?? member.sessionTimeoutMs;
      member.rebalanceTimeoutMs = request.rebalanceTimeoutMs ?? member.rebalanceTimeoutMs;
      member.clientId = request.clientId ?? member.clientId;
      acknowledgeOwned(member, request.ownedPartitions ? assignmentKeys(request.ownedPartitions) : null);
      if (request.topics && !sameTopics(request.topics, member.topics)) {
        member.topics = [...request.topics];
        this.rebalance();
      }
    }
    this.reconcileMember(member);
    return {
      ok: true,
      memberId: member.memberId,
      memberEpoch: member.memberEpoch,
      heartbeatIntervalMs: heartbeatIntervalMs(member.sessionTimeoutMs),
      assignment: keysToAssignment(member.assigned),
    };
  }

  /** Kafka OffsetCommit, fenced by the member's epoch. */
  commit(memberId: string, memberEpoch: number, offsets: readonly OffsetCommit[]): Result<{ member: Member }> {
    const found = this.findMember(memberId, memberEpoch, "commit");
    if (!found.ok) return found;
    const invalid = this.checkPartitions(offsets);
    if (invalid) return invalid;
    this.store.commit(offsets, this.clock.now());
    return found;
  }

  /** A stateless member's group fetch, after its commit: counts as a heartbeat from a
   * member that holds nothing any more, so revoked partitions are released at once;
   * answers where each assigned partition resumes. */
  fetchPositions(member: Member): FetchPositions {
    this.reconcileMember(member, true);
    return {
      memberEpoch: member.memberEpoch,
      heartbeatIntervalMs: heartbeatIntervalMs(member.sessionTimeoutMs),
      assignment: keysToAssignment(member.assigned),
      positions: [...member.assigned].sort().map((key) => {
        const { topic, partition } = splitKey(key);
        return { topic, partition, offset: this.store.committedOffset(topic, partition) };
      }),
    };
  }

  storeStartPositions(memberId: string, memberEpoch: number, positions: readonly StartPosition[]): Result<object> {
    const found = this.findMember(memberId, memberEpoch, "commit");
    if (!found.ok) return found;
    const invalid = this.checkPartitions(positions);
    if (invalid) return invalid;
    this.store.commitStartPositions(positions, this.clock.now());
    return { ok: true };
  }

  /** Sets committed offsets of one topic; only while the group is empty. */
  resetOffsets(
    groupId: string,
    topic: string,
    offsets: readonly { partition: number; offset: number }[],
  ): Result<object> {
    if (this.members.size > 0) return nonEmpty(this.members.size);
    this.ensureGroup(groupId);
    this.store.commit(
      offsets.map((o) => ({ topic, ...o })),
      this.clock.now(),
    );
    return { ok: true };
  }

  committedOffsets(): Result<{ offsets: CommittedOffset[] }> {
    if (!this.meta) return groupNotFound();
    return { ok: true, offsets: this.store.committed() };
  }

  describe(): Result<{ description: GroupDescription; offsets: CommittedOffset[] }> {
    if (!this.meta) return groupNotFound();
    const members = [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      memberEpoch: m.memberEpoch,
      clientId: m.clientId,
      clientHost: m.clientHost,
      topics: m.topics,
      assignment: keysToAssignment(m.assigned),
      partitionsPendingRevocation: keysToAssignment(m.revoking),
      targetAssignment: keysToAssignment(m.target),
      sessionTimeoutMs: m.sessionTimeoutMs,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
    }));
    const { groupId, groupEpoch, assignmentEpoch } = this.meta;
    return {
      ok: true,
      description: { groupId, state: this.state(), groupEpoch, assignmentEpoch, members },
      offsets: this.store.committed(),
    };
  }

  /** Removes the members past their session or rebalance deadline now. */
  expireMembers(): string[] {
    const expired = this.deadlines.expired(this.clock.now());
    if (expired.length > 0) this.removeMembers(expired);
    return expired;
  }

  /** The next session or rebalance deadline, or null with no members. */
  nextDeadline(): number | null {
    return this.deadlines.earliest();
  }

  /** A topic's partition count changed (or became known): true when a subscribed
   * topic's did, after which the caller rebalances once. */
  setPartitionCount(topic: string, count: number): boolean {
    if (this.partitionCounts.get(topic) === count) return false;
    this.partitionCounts.set(topic, count);
    this.store.savePartitionCount(topic, count);
    return [...this.members.values()].some((m) => m.topics.includes(topic));
  }

  /** A new group epoch and target assignment: membership, a subscription or a
   * subscribed topic's partition count changed. */
  rebalance(): void {
    const meta = this.meta;
    invariant(meta, "rebalance of an existing group");
    meta.groupEpoch++;
    const members = [...this.members.values()];
    const target = assignPartitions(members, this.partitionCounts, new Map(members.map((m) => [m.memberId, m.target])));
    for (const m of members) m.target = target.get(m.memberId)!;
    meta.assignmentEpoch = meta.groupEpoch;
    this.store.saveMeta(meta);
    this.checkOwnership();
    for (const m of members) this.persist(m);
  }

  /** Offsets naming a partition this group has not seen the topic have. */
  unknownTopics(offsets: readonly OffsetCommit[]): string[] {
    return offsets.filter((o) => o.partition >= (this.partitionCounts.get(o.topic) ?? 0)).map((o) => o.topic);
  }

  /** The group is deleted: its state starts over as if it never was. */
  reset(): void {
    invariant(this.members.size === 0, "only an empty group is deleted");
    this.meta = null;
    this.partitionCounts = new Map();
  }

  private join(groupId: string, request: HeartbeatRequest, clientHost: string): Result<{ member: Member }> {
    const memberId = request.memberId ?? crypto.randomUUID();
    const rejoining = this.members.has(memberId);
    if (!rejoining && this.members.size >= this.limits.maxGroupMembers) {
      return failure("GROUP_MAX_SIZE_REACHED", `the group has the maximum of ${this.limits.maxGroupMembers} members`);
    }
    this.ensureGroup(groupId);
    // A rejoining member has lost whatever it held: it starts afresh.
    if (rejoining) this.dropMember(memberId);
    const member: Member = {
      memberId,
      clientId: request.clientId ?? "",
      clientHost,
      memberEpoch: JOIN_EPOCH,
      previousMemberEpoch: LEAVE_EPOCH,
      topics: [...request.topics!],
      sessionTimeoutMs: request.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs ?? DEFAULT_REBALANCE_TIMEOUT_MS,
      assigned: new Set(),
      revoking: new Set(),
      target: new Set(),
    };
    this.members.set(memberId, member);
    this.rebalance();
    return { ok: true, member };
  }

  private leave(memberId: string): Result<HeartbeatResponse> {
    const member = this.members.get(memberId);
    if (!member) return unknownMember(memberId);
    this.removeMembers([member.memberId]);
    return {
      ok: true,
      memberId: member.memberId,
      memberEpoch: LEAVE_EPOCH,
      heartbeatIntervalMs: heartbeatIntervalMs(member.sessionTimeoutMs),
      assignment: {},
    };
  }

  private findMember(memberId: string, memberEpoch: number, call: "heartbeat" | "commit"): Result<{ member: Member }> {
    const member = this.members.get(memberId);
    if (!member) return unknownMember(memberId);
    if (memberEpoch === member.memberEpoch) return { ok: true, member };
    const details = { memberEpoch: member.memberEpoch };
    if (memberEpoch > member.memberEpoch) {
      return failure("FENCED_MEMBER_EPOCH", `memberEpoch ${memberEpoch} is ahead of ${member.memberEpoch}`, details);
    }
    // A heartbeat may repeat the previous epoch: the answer that moved it was lost.
    if (call === "heartbeat" && memberEpoch === member.previousMemberEpoch) return { ok: true, member };
    return call === "heartbeat"
      ? failure("FENCED_MEMBER_EPOCH", `memberEpoch ${memberEpoch} is fenced; rejoin with memberEpoch 0`, details)
      : failure("STALE_MEMBER_EPOCH", `memberEpoch ${memberEpoch} is older than ${member.memberEpoch}`, details);
  }

  private ensureGroup(groupId: string): void {
    invariant(this.meta === null || this.meta.groupId === groupId, "a coordinator serves one group");
    if (this.meta) return;
    this.meta = { groupId, groupEpoch: 0, assignmentEpoch: 0, registered: false };
    this.store.saveMeta(this.meta);
  }

  /** With `releaseRevoked`, the member gives up at once whatever the target takes from
   * it (a stateless member that has just committed), and then moves on. */
  private reconcileMember(member: Member, releaseRevoked = false): void {
    const others = new Set<PartitionKey>();
    for (const other of this.members.values()) if (other !== member) for (const key of heldBy(other)) others.add(key);
    reconcile(member, this.meta!.assignmentEpoch, others);
    if (releaseRevoked && member.revoking.size > 0) {
      acknowledgeOwned(member, new Set());
      reconcile(member, this.meta!.assignmentEpoch, others);
    }
    this.deadlines.touch(member, this.clock.now());
    this.checkOwnership();
    this.persist(member);
  }

  /** The one rule of reconciliation: no partition is held by two members. */
  private checkOwnership(): void {
    const holders = new Set<PartitionKey>();
    let held = 0;
    for (const m of this.members.values()) {
      for (const key of heldBy(m)) holders.add(key);
      held += m.assigned.size + m.revoking.size;
    }
    invariant(holders.size === held, "a partition is held by one member at most");
  }

  private removeMembers(memberIds: readonly string[]): void {
    for (const id of memberIds) this.dropMember(id);
    this.rebalance();
  }

  private dropMember(memberId: string): void {
    this.members.delete(memberId);
    this.deadlines.forget(memberId);
    this.saved.delete(memberId);
    this.store.deleteMember(memberId);
  }

  private persist(member: Member): void {
    const fingerprint = GroupStore.fingerprint(member);
    if (this.saved.get(member.memberId) === fingerprint) return;
    this.store.saveMember(member);
    this.saved.set(member.memberId, fingerprint);
  }

  private state(): GroupState {
    if (this.members.size === 0) return "Empty";
    const epoch = this.meta!.assignmentEpoch;
    return [...this.members.values()].every((m) => isReconciled(m, epoch)) ? "Stable" : "Reconciling";
  }

  private checkPartitions(offsets: readonly OffsetCommit[]): Failure | null {
    const unknown = offsets.find((o) => o.partition >= (this.partitionCounts.get(o.topic) ?? 0));
    return unknown
      ? failure("UNKNOWN_TOPIC_OR_PARTITION", `topic ${unknown.topic} has no partition ${unknown.partition}`)
      : null;
  }
}

function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");
}

export function unknownMember(memberId: string) {
  return failure("UNKNOWN_MEMBER_ID", `member ${memberId} is not in the group (never joined, left or expired)`);
}

export function groupNotFound() {
  return failure("GROUP_ID_NOT_FOUND", "the group does not exist");
}

export function nonEmpty(members: number) {
  return failure("NON_EMPTY_GROUP", `the group has ${members} member(s); it must be empty`);
}

// The coordinator of one consumer group: a Durable Object named `group/<groupId>` that
// owns members, member epochs, the target assignment, committed offsets (Kafka's
// __consumer_offsets role) and session and rebalance timeouts (one alarm).
//
// Every method first awaits what it needs from elsewhere (topic partition counts),
// then validates and changes state without awaiting, so concurrent calls never see
// each other half-done.

import { DurableObject } from "cloudflare:workers";
import { AlarmTasks } from "../common/alarm-tasks.js";
import { mapBounded } from "../common/bounded-map.js";
import { invariant } from "../common/invariant.js";
import { type Failure, failure, type Result } from "../protocol/errors.js";
import {
  type Assignment,
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
import { type Limits, resolveLimits } from "../protocol/limits.js";
import { assignPartitions } from "./assignor.js";
import { type GroupMeta, GroupStore, type Member } from "./group-store.js";
import { groupDirectoryStub } from "./group-stubs.js";
import { MemberDeadlines } from "./member-deadlines.js";
import { fromAssignment, type PartitionKey, splitKey, toAssignment } from "./partition-key.js";
import { acknowledgeOwned, heldBy, isReconciled, reconcile } from "./reconcile.js";
import { partitionCountOf } from "./topic-partitions.js";

type Task = "expiry";

/** Partition counts of subscribed topics are re-read at most this often, so new
 * partitions and newly created topics reach the next assignment. */
const TOPIC_REFRESH_MS = 5_000;

export interface FetchPositions {
  memberEpoch: number;
  heartbeatIntervalMs: number;
  assignment: Assignment;
  /** Each assigned partition with its committed offset, null when none is. */
  positions: { topic: string; partition: number; offset: number | null }[];
}

export class GroupCoordinator extends DurableObject<Env> {
  private readonly limits: Limits;
  private readonly store: GroupStore;
  private tasks: AlarmTasks<Task>;
  private meta: GroupMeta | null;
  private members: Map<string, Member>;
  private partitionCounts: Map<string, number>;
  /** What each member row holds in SQLite, to write only changed members. */
  private readonly saved = new Map<string, string>();
  private readonly deadlines = new MemberDeadlines();
  private topicsRefreshedAtMs = 0;
  /** One stub, so register and unregister reach the directory in the order made. */
  private readonly directory: ReturnType<typeof groupDirectoryStub>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.limits = resolveLimits(env.EDGELOG_LIMITS);
    this.store = new GroupStore(ctx.storage.sql);
    this.tasks = new AlarmTasks<Task>(ctx.storage, ["expiry"]);
    this.directory = groupDirectoryStub(env);
    this.meta = this.store.meta();
    this.members = new Map(this.store.members().map((m) => [m.memberId, m]));
    this.partitionCounts = this.store.partitionCounts();
    const now = Date.now();
    for (const m of this.members.values()) {
      this.saved.set(m.memberId, GroupStore.fingerprint(m));
      this.deadlines.touch(m, now);
    }
    if (this.members.size > 0) void ctx.blockConcurrencyWhile(() => this.scheduleExpiry());
  }

  /** KIP-848 ConsumerGroupHeartbeat: memberEpoch 0 joins, -1 leaves, else reconciles.
   * `clientHost` is where the call came from, as the router saw it. */
  async heartbeat(groupId: string, request: HeartbeatRequest, clientHost = ""): Promise<Result<HeartbeatResponse>> {
    // Checked before the topics are looked up and again after, as members may join meanwhile.
    const crowded = this.checkSubscriptions(request);
    if (crowded) return crowded;
    await this.refreshTopics((request.topics ?? []).filter((t) => !this.partitionCounts.has(t)));
    const rechecked = this.checkSubscriptions(request);
    if (rechecked) return rechecked;
    const now = Date.now();
    if (request.memberEpoch === LEAVE_EPOCH) {
      const member = this.members.get(request.memberId ?? "");
      if (!member) return unknownMember(request.memberId ?? "");
      this.removeMembers([member.memberId]);
      return {
        ok: true,
        memberId: member.memberId,
        memberEpoch: LEAVE_EPOCH,
        heartbeatIntervalMs: heartbeatIntervalMs(member.sessionTimeoutMs),
        assignment: {},
      };
    }
    let member: Member;
    if (request.memberEpoch === JOIN_EPOCH) {
      const memberId = request.memberId ?? crypto.randomUUID();
      const rejoining = this.members.has(memberId);
      if (!rejoining && this.members.size >= this.limits.maxGroupMembers) {
        return failure("INVALID_REQUEST", `the group has the maximum of ${this.limits.maxGroupMembers} members`);
      }
      this.ensureGroup(groupId);
      // A rejoining member has lost whatever it held: it starts afresh.
      if (rejoining) this.dropMember(memberId);
      member = {
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
    } else {
      const found = this.findMember(request.memberId!, request.memberEpoch, "heartbeat");
      if (!found.ok) return found;
      member = found.member;
      member.sessionTimeoutMs = request.sessionTimeoutMs ?? member.sessionTimeoutMs;
      member.rebalanceTimeoutMs = request.rebalanceTimeoutMs ?? member.rebalanceTimeoutMs;
      member.clientId = request.clientId ?? member.clientId;
      acknowledgeOwned(member, request.ownedPartitions ? fromAssignment(request.ownedPartitions) : null);
      if (request.topics && !sameTopics(request.topics, member.topics)) {
        member.topics = [...request.topics];
        this.rebalance();
      }
    }
    this.reconcileMember(member, now);
    // Taken before the await: a concurrent call may change the member meanwhile.
    const response: HeartbeatResponse = {
      memberId: member.memberId,
      memberEpoch: member.memberEpoch,
      heartbeatIntervalMs: heartbeatIntervalMs(member.sessionTimeoutMs),
      assignment: toAssignment(member.assigned),
    };
    await this.afterChange();
    return { ok: true, ...response };
  }

  /** Kafka OffsetCommit, fenced by the member's epoch. */
  async commitOffsets(memberId: string, memberEpoch: number, offsets: OffsetCommit[]): Promise<Result<object>> {
    const committed = await this.commitFor(memberId, memberEpoch, offsets);
    return committed.ok ? { ok: true } : committed;
  }

  /** Commits `offsets` for a member of this epoch, once its partitions are checked. */
  private async commitFor(
    memberId: string,
    memberEpoch: number,
    offsets: OffsetCommit[],
  ): Promise<Result<{ member: Member }>> {
    if (!this.members.has(memberId)) return unknownMember(memberId);
    await this.refreshTopics(this.unknownTopics(offsets));
    const found = this.findMember(memberId, memberEpoch, "commit");
    if (!found.ok) return found;
    const invalid = this.checkPartitions(offsets);
    if (invalid) return invalid;
    this.store.commit(offsets, Date.now());
    return found;
  }

  /** The group fetch of a stateless member: commits what it processed, then counts as
   * a heartbeat from a member that holds nothing any more, so revoked partitions are
   * released at once; answers where each assigned partition resumes. */
  async fetchPositions(memberId: string, memberEpoch: number, commit: OffsetCommit[]): Promise<Result<FetchPositions>> {
    const committed = await this.commitFor(memberId, memberEpoch, commit);
    if (!committed.ok) return committed;
    const now = Date.now();
    const { member } = committed;
    this.reconcileMember(member, now, true);
    const answer: FetchPositions = {
      memberEpoch: member.memberEpoch,
      heartbeatIntervalMs: heartbeatIntervalMs(member.sessionTimeoutMs),
      assignment: toAssignment(member.assigned),
      positions: [...member.assigned].sort().map((key) => {
        const { topic, partition } = splitKey(key);
        return { topic, partition, offset: this.store.committedOffset(topic, partition) };
      }),
    };
    await this.afterChange();
    return { ok: true, ...answer };
  }

  /** Stores where a group fetch started partitions that had no usable committed
   * offset (none, or one out of the log's range), so a stateless member resumes there
   * on its next call rather than at a later "latest". */
  storeStartPositions(memberId: string, memberEpoch: number, positions: StartPosition[]): Result<object> {
    const found = this.findMember(memberId, memberEpoch, "commit");
    if (!found.ok) return found;
    const invalid = this.checkPartitions(positions);
    if (invalid) return invalid;
    this.store.commitStartPositions(positions, Date.now());
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
      assignment: toAssignment(m.assigned),
      partitionsPendingRevocation: toAssignment(m.revoking),
      targetAssignment: toAssignment(m.target),
      sessionTimeoutMs: m.sessionTimeoutMs,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
    }));
    return {
      ok: true,
      description: {
        groupId: this.meta.groupId,
        state: this.state(),
        groupEpoch: this.meta.groupEpoch,
        assignmentEpoch: this.meta.assignmentEpoch,
        members,
      },
      offsets: this.store.committed(),
    };
  }

  /** Deletes the group and its committed offsets; only an empty group, as in Kafka. */
  async deleteGroup(): Promise<Result<object>> {
    if (!this.meta) return groupNotFound();
    if (this.members.size > 0) return nonEmpty(this.members.size);
    const { groupId } = this.meta;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    // deleteAll drops the tables too; this instance may be asked about the group again.
    this.store.createSchema();
    this.tasks = new AlarmTasks<Task>(this.ctx.storage, ["expiry"]);
    this.meta = null;
    this.partitionCounts = new Map();
    this.topicsRefreshedAtMs = 0;
    await this.directory.unregister(groupId);
    return { ok: true };
  }

  /** Sets committed offsets of one topic (resolved by the router); only when empty. */
  async resetOffsets(
    groupId: string,
    topic: string,
    offsets: { partition: number; offset: number }[],
  ): Promise<Result<object>> {
    if (this.members.size > 0) return nonEmpty(this.members.size);
    this.ensureGroup(groupId);
    this.store.commit(
      offsets.map((o) => ({ topic, ...o })),
      Date.now(),
    );
    await this.afterChange();
    return { ok: true };
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    if (this.tasks.takeDue(now).includes("expiry")) {
      const expired = this.deadlines.expired(now);
      if (expired.length > 0) this.removeMembers(expired);
    }
    await this.scheduleExpiry();
    await this.tasks.arm();
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

  /** A new group epoch and target assignment: membership, a subscription or a
   * subscribed topic's partition count changed. */
  private rebalance(): void {
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

  /** With `releaseRevoked`, the member gives up at once whatever the target takes from
   * it (a stateless member that has just committed), and then moves on. */
  private reconcileMember(member: Member, nowMs: number, releaseRevoked = false): void {
    const others = new Set<PartitionKey>();
    for (const other of this.members.values()) if (other !== member) for (const key of heldBy(other)) others.add(key);
    reconcile(member, this.meta!.assignmentEpoch, others);
    if (releaseRevoked && member.revoking.size > 0) {
      acknowledgeOwned(member, new Set());
      reconcile(member, this.meta!.assignmentEpoch, others);
    }
    this.deadlines.touch(member, nowMs);
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

  /** Arms the expiry alarm and, once, lists the group in the directory. */
  private async afterChange(): Promise<void> {
    await this.scheduleExpiry();
    const meta = this.meta;
    if (!meta || meta.registered) return;
    try {
      await this.directory.register(meta.groupId);
      meta.registered = true;
      this.store.saveMeta(meta);
    } catch (e) {
      // The group works unlisted; the next call tries again.
      console.warn(`group ${meta.groupId} not registered yet`, String(e));
    }
  }

  private async scheduleExpiry(): Promise<void> {
    const due = this.deadlines.earliest();
    if (due !== null) await this.tasks.schedule("expiry", due);
  }

  private state(): GroupState {
    if (this.members.size === 0) return "Empty";
    const epoch = this.meta!.assignmentEpoch;
    return [...this.members.values()].every((m) => isReconciled(m, epoch)) ? "Stable" : "Reconciling";
  }

  /** The topics of all members together are bounded: each is looked up every few
   * seconds, and the assignor's work grows with them. */
  private checkSubscriptions(request: HeartbeatRequest): Failure | null {
    if (!request.topics || request.memberEpoch === LEAVE_EPOCH) return null;
    const topics = new Set(request.topics);
    for (const m of this.members.values()) if (m.memberId !== request.memberId) for (const t of m.topics) topics.add(t);
    if (topics.size <= this.limits.maxSubscribedTopics) return null;
    return failure(
      "INVALID_REQUEST",
      `the group would subscribe to ${topics.size} topics, over the limit of ${this.limits.maxSubscribedTopics}`,
    );
  }

  private unknownTopics(offsets: readonly OffsetCommit[]): string[] {
    return offsets.filter((o) => o.partition >= (this.partitionCounts.get(o.topic) ?? 0)).map((o) => o.topic);
  }

  private checkPartitions(offsets: readonly OffsetCommit[]): Failure | null {
    const unknown = offsets.find((o) => o.partition >= (this.partitionCounts.get(o.topic) ?? 0));
    return unknown
      ? failure("UNKNOWN_TOPIC_OR_PARTITION", `topic ${unknown.topic} has no partition ${unknown.partition}`)
      : null;
  }

  /** Re-reads partition counts: of `topics` now, of every subscribed topic when the
   * last full read is older than TOPIC_REFRESH_MS. A change starts a rebalance. */
  private async refreshTopics(topics: readonly string[]): Promise<void> {
    const wanted = new Set(topics);
    const now = Date.now();
    if (this.members.size > 0 && now - this.topicsRefreshedAtMs >= TOPIC_REFRESH_MS) {
      // Taken before the await, so concurrent calls do not all refresh.
      this.topicsRefreshedAtMs = now;
      for (const m of this.members.values()) for (const t of m.topics) wanted.add(t);
    }
    if (wanted.size === 0) return;
    const names = [...wanted];
    const counts = await mapBounded(names, this.limits.maxFanOut, (t) => partitionCountOf(this.env, t));
    let changed = false;
    names.forEach((topic, i) => {
      const count = counts[i];
      if (count === null || count === undefined || this.partitionCounts.get(topic) === count) return;
      this.partitionCounts.set(topic, count);
      this.store.savePartitionCount(topic, count);
      changed ||= [...this.members.values()].some((m) => m.topics.includes(topic));
    });
    if (changed && this.meta) this.rebalance();
  }
}

function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");
}

function unknownMember(memberId: string) {
  return failure("UNKNOWN_MEMBER_ID", `member ${memberId} is not in the group (never joined, left or expired)`);
}

function groupNotFound() {
  return failure("GROUP_ID_NOT_FOUND", "the group does not exist");
}

function nonEmpty(members: number) {
  return failure("NON_EMPTY_GROUP", `the group has ${members} member(s); it must be empty`);
}

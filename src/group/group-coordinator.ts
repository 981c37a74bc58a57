// The coordinator of one consumer group: a Durable Object named `group/<groupId>` that
// owns members, member epochs, the target assignment, committed offsets (Kafka's
// __consumer_offsets role) and session and rebalance timeouts (one alarm). The rules
// live in GroupMembership; this object does the awaiting around them.
//
// Every method first awaits what it needs from elsewhere (topic partition counts),
// then validates and changes state without awaiting, so concurrent calls never see
// each other half-done.

import { DurableObject } from "cloudflare:workers";
import { AlarmTasks } from "../common/alarm-tasks.js";
import { mapBounded } from "../common/bounded-map.js";
import { type Clock, systemClock } from "../common/clock.js";
import type { Result } from "../protocol/errors.js";
import type {
  CommittedOffset,
  GroupDescription,
  HeartbeatRequest,
  HeartbeatResponse,
  OffsetCommit,
  StartPosition,
} from "../protocol/group.js";
import { type Limits, resolveLimits } from "../protocol/limits.js";
import { type FetchPositions, GroupMembership, groupNotFound, nonEmpty, unknownMember } from "./group-membership.js";
import { GroupStore, type Member } from "./group-store.js";
import { groupDirectoryStub } from "./group-stubs.js";
import { partitionCountOf } from "./topic-partitions.js";

export type { FetchPositions } from "./group-membership.js";

type Task = "expiry";

/** Partition counts of subscribed topics are re-read at most this often, so new
 * partitions and newly created topics reach the next assignment. */
const TOPIC_REFRESH_MS = 5_000;

export class GroupCoordinator extends DurableObject<Env> {
  private readonly limits: Limits;
  private readonly store: GroupStore;
  /** Swapped for a manual clock by tests, through runInDurableObject only. */
  private clock: Clock = systemClock;
  private readonly group: GroupMembership;
  private tasks: AlarmTasks<Task>;
  private topicsRefreshedAtMs = 0;
  /** One stub, so register and unregister reach the directory in the order made. */
  private readonly directory: ReturnType<typeof groupDirectoryStub>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.limits = resolveLimits(env.EDGELOG_LIMITS);
    this.store = new GroupStore(ctx.storage.sql);
    this.tasks = new AlarmTasks<Task>(ctx.storage, ctx.storage.sql, ["expiry"]);
    this.directory = groupDirectoryStub(env);
    this.group = new GroupMembership(this.store, this.limits, { now: () => this.clock.now() });
    if (this.group.memberCount > 0) void ctx.blockConcurrencyWhile(() => this.scheduleExpiry());
  }

  /** KIP-848 ConsumerGroupHeartbeat: memberEpoch 0 joins, -1 leaves, else reconciles.
   * `clientHost` is where the call came from, as the router saw it. */
  async heartbeat(groupId: string, request: HeartbeatRequest, clientHost = ""): Promise<Result<HeartbeatResponse>> {
    // Checked before the topics are looked up and again after, as members may join meanwhile.
    const crowded = this.group.checkSubscriptions(request);
    if (crowded) return crowded;
    await this.refreshTopics((request.topics ?? []).filter((t) => !this.group.knowsTopic(t)));
    const answer = this.group.heartbeat(groupId, request, clientHost);
    if (answer.ok) await this.afterChange();
    return answer;
  }

  /** Kafka OffsetCommit, fenced by the member's epoch. */
  async commitOffsets(memberId: string, memberEpoch: number, offsets: OffsetCommit[]): Promise<Result<object>> {
    const committed = await this.commitFor(memberId, memberEpoch, offsets);
    return committed.ok ? { ok: true } : committed;
  }

  /** The group fetch of a stateless member: commits what it processed, then answers
   * where each assigned partition resumes (see GroupMembership.fetchPositions). */
  async fetchPositions(memberId: string, memberEpoch: number, commit: OffsetCommit[]): Promise<Result<FetchPositions>> {
    const committed = await this.commitFor(memberId, memberEpoch, commit);
    if (!committed.ok) return committed;
    const answer = this.group.fetchPositions(committed.member);
    await this.afterChange();
    return { ok: true, ...answer };
  }

  /** Stores where a group fetch started partitions that had no usable committed
   * offset (none, or one out of the log's range), so a stateless member resumes there
   * on its next call rather than at a later "latest". */
  storeStartPositions(memberId: string, memberEpoch: number, positions: StartPosition[]): Result<object> {
    return this.group.storeStartPositions(memberId, memberEpoch, positions);
  }

  committedOffsets(): Result<{ offsets: CommittedOffset[] }> {
    return this.group.committedOffsets();
  }

  describe(): Result<{ description: GroupDescription; offsets: CommittedOffset[] }> {
    return this.group.describe();
  }

  /** Deletes the group and its committed offsets; only an empty group, as in Kafka. */
  async deleteGroup(): Promise<Result<object>> {
    const meta = this.group.meta;
    if (!meta) return groupNotFound();
    if (this.group.memberCount > 0) return nonEmpty(this.group.memberCount);
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    // deleteAll drops the tables too; this instance may be asked about the group again.
    this.store.createSchema();
    this.tasks = new AlarmTasks<Task>(this.ctx.storage, this.ctx.storage.sql, ["expiry"]);
    this.group.reset();
    this.topicsRefreshedAtMs = 0;
    await this.directory.unregister(meta.groupId);
    return { ok: true };
  }

  /** Sets committed offsets of one topic (resolved by the router); only when empty. */
  async resetOffsets(
    groupId: string,
    topic: string,
    offsets: { partition: number; offset: number }[],
  ): Promise<Result<object>> {
    const reset = this.group.resetOffsets(groupId, topic, offsets);
    if (reset.ok) await this.afterChange();
    return reset;
  }

  override async alarm(): Promise<void> {
    if (this.tasks.takeDue(this.clock.now()).includes("expiry")) this.group.expireMembers();
    await this.scheduleExpiry();
    await this.tasks.arm();
  }

  /** Commits `offsets` for a member of this epoch, once its partitions are checked. */
  private async commitFor(
    memberId: string,
    memberEpoch: number,
    offsets: OffsetCommit[],
  ): Promise<Result<{ member: Member }>> {
    if (!this.group.hasMember(memberId)) return unknownMember(memberId);
    await this.refreshTopics(this.group.unknownTopics(offsets));
    return this.group.commit(memberId, memberEpoch, offsets);
  }

  /** Arms the expiry alarm and, once, lists the group in the directory. */
  private async afterChange(): Promise<void> {
    await this.scheduleExpiry();
    const meta = this.group.meta;
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
    const due = this.group.nextDeadline();
    if (due !== null) await this.tasks.schedule("expiry", due);
  }

  /** Re-reads partition counts: of `topics` now, of every subscribed topic when the
   * last full read is older than TOPIC_REFRESH_MS. A change starts a rebalance. */
  private async refreshTopics(topics: readonly string[]): Promise<void> {
    const wanted = new Set(topics);
    const now = this.clock.now();
    if (this.group.memberCount > 0 && now - this.topicsRefreshedAtMs >= TOPIC_REFRESH_MS) {
      // Taken before the await, so concurrent calls do not all refresh.
      this.topicsRefreshedAtMs = now;
      for (const t of this.group.subscribedTopics()) wanted.add(t);
    }
    if (wanted.size === 0) return;
    const names = [...wanted];
    const counts = await mapBounded(names, this.limits.maxFanOut, (t) => partitionCountOf(this.env, t));
    let changed = false;
    names.forEach((topic, i) => {
      const count = counts[i];
      if (count === null || count === undefined) return;
      changed = this.group.setPartitionCount(topic, count) || changed;
    });
    if (changed && this.group.meta) this.group.rebalance();
  }
}

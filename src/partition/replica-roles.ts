// A replica's role over time: the assignment it stores and adopts, the leadership it
// starts and ends as assignments say, and what it asks the controller when it may
// have missed a change. The rules themselves are pure (replica-role.ts).

import type { TimerClock } from "../common/clock.js";
import { invariant } from "../common/invariant.js";
import { type ErrorData, type Failure, failure, type Result } from "../protocol/errors.js";
import type { Limits } from "../protocol/limits.js";
import type { PartitionState } from "../protocol/topic.js";
import type { Compaction } from "./compaction.js";
import { askAlterPartition, askAssignment } from "./controller-calls.js";
import { LeaderReplication } from "./leader-replication.js";
import type { PartitionLog } from "./partition-log.js";
import { unknownPartition } from "./replica-answers.js";
import { followVerdict, isLeader, supersedes, transition, withoutLeader } from "./replica-role.js";
import { replicaStub } from "./replica-stub.js";
import type { ReplicaAssignment, ReplicaStatus } from "./replica-types.js";

export interface RolesHost {
  readonly env: Env;
  readonly limits: Limits;
  readonly clock: TimerClock;
  /** The object's own (counting) handle on its SQLite. */
  readonly sql: SqlStorage;
  log(): PartitionLog;
  destroyed(): boolean;
  /** One atomic write to the log (see PartitionReplica.writeSync). */
  writeSync<T>(write: () => T): T;
  highWatermarkAdvanced(): void;
  /** Throws when a fault makes other objects unreachable from here. */
  outgoing(): Promise<void>;
  scheduleCatchUp(dueAtMs: number): Promise<void>;
  scheduleRetention(): Promise<void>;
  compaction(): Compaction;
}

export class ReplicaRoles {
  private assigned: ReplicaAssignment | null = null;
  private leader: LeaderReplication | null = null;

  constructor(private readonly host: RolesHost) {
    host.sql.exec(
      "CREATE TABLE IF NOT EXISTS replica_assignment (id INTEGER PRIMARY KEY CHECK (id = 1), assignment TEXT NOT NULL)",
    );
  }

  get current(): ReplicaAssignment | null {
    return this.assigned;
  }

  get leadership(): LeaderReplication | null {
    return this.leader;
  }

  isLeader(): boolean {
    return isLeader(this.assigned);
  }

  /** Takes up the stored assignment, as a restarted object does. */
  restore(): void {
    const row = this.host.sql.exec<{ assignment: string }>("SELECT assignment FROM replica_assignment").toArray()[0];
    this.assigned = row ? (JSON.parse(row.assignment) as ReplicaAssignment) : null;
    this.leader = null;
    const assignment = this.assigned;
    if (assignment && this.isLeader() && assignment.state.replicas.length === 1) this.lead();
    else if (assignment) {
      // A restarted replica may have missed an election or an ISR change while down:
      // a leader leads again only once the controller confirms (the catch-up task
      // asks), so it never commits with an ISR the controller has moved past.
      if (this.isLeader()) this.assigned = withoutLeader(assignment);
      void this.host.scheduleCatchUp(this.host.clock.now());
    }
  }

  /** Ends any leadership (pending acks fail with `error`); with `forget`, the
   * assignment too (the topic was deleted). */
  end(error: ErrorData, forget = false): void {
    this.leader?.stop(error);
    this.leader = null;
    if (forget) this.assigned = null;
  }

  /** Stores and applies an assignment: starts or ends leadership as it says. */
  adopt(next: ReplicaAssignment): void {
    const previous = this.assigned;
    this.host.sql.exec(
      "INSERT INTO replica_assignment (id, assignment) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET assignment = excluded.assignment",
      JSON.stringify(next),
    );
    const { keepLeadership, lead } = transition(previous, next);
    this.assigned = next;
    if (this.leader && !keepLeadership) this.end({ code: "NOT_LEADER_OR_FOLLOWER", message: "leadership moved" });
    if (lead) {
      if (this.leader) this.leader.isrChanged();
      else this.lead();
    } else if (!next.state.isr.includes(next.replica)) {
      void this.host.scheduleCatchUp(this.host.clock.now());
    }
  }

  /** Accepts a leader of `leaderEpoch` if it is not older than the one known here; a
   * newer one is adopted before the controller's word arrives (it can only come from
   * an election). */
  followLeader(leaderEpoch: number, leader: number): Failure | null {
    const current = this.assigned;
    if (this.host.destroyed() || !current) return unknownPartition();
    const verdict = followVerdict(current, leaderEpoch, leader);
    if (verdict.kind === "fenced") return failure("FENCED_LEADER_EPOCH", verdict.message);
    if (verdict.kind === "adopt") this.adopt(verdict.next);
    return null;
  }

  /** Asks the controller what this replica is now (after missing its notifications). */
  async refreshAssignment(): Promise<void> {
    const assignment = this.assigned;
    if (!assignment) return;
    await this.host.outgoing();
    const state = await askAssignment(this.host.env, this.host.limits, assignment);
    if (state) this.applyState(state, true);
  }

  leading(): Result<{ assignment: ReplicaAssignment; leadership: LeaderReplication }> {
    if (this.host.destroyed() || !this.assigned) return unknownPartition();
    if (!this.isLeader() || !this.leader) {
      return failure("NOT_LEADER_OR_FOLLOWER", "this replica is not the partition leader");
    }
    return { ok: true, assignment: this.assigned, leadership: this.leader };
  }

  /** The leader serves fetches; with follower fetch, so does an in-sync follower. */
  serving(allowFollower: boolean): Result<{ replica: number }> {
    if (this.host.destroyed() || !this.assigned) return unknownPartition();
    const { replica } = this.assigned;
    if (this.isLeader() && this.leader) return this.unconfirmedStart() ?? { ok: true, replica };
    if (allowFollower && this.assigned.state.isr.includes(replica)) return { ok: true, replica };
    return failure("NOT_LEADER_OR_FOLLOWER", "this replica is not the partition leader");
  }

  /** A newly elected leader answers reads only once its logStartOffset reached the
   * pending one it holds: a previous leader may have served that start already. */
  unconfirmedStart(): Failure | null {
    if (!this.leader || this.leader.logStartOffsetConfirmed()) return null;
    return failure("OFFSET_NOT_AVAILABLE", "the new leader has not yet committed the logStartOffset it holds");
  }

  replicaStub(replica: number) {
    const assignment = this.assigned;
    invariant(assignment, "peers of an assigned replica");
    return replicaStub(this.host.env, assignment.topicId, assignment.config, assignment.state.partition, replica);
  }

  /** Leads at the current assignment's epoch, and only there: the epoch is recorded
   * as starting at the logEndOffset, and the leadership ends with the epoch. */
  private lead(): void {
    const assignment = this.assigned;
    invariant(assignment && this.isLeader(), "only the leader leads");
    const { host } = this;
    const log = host.log();
    log.epochs.assign(assignment.state.leaderEpoch, log.state.logEndOffset);
    this.leader = new LeaderReplication({
      log,
      limits: host.limits,
      clock: host.clock,
      assignment: () => {
        invariant(this.assigned, "a leader has an assignment");
        return this.assigned;
      },
      replicaStub: (r) => this.replicaStub(r),
      alterIsr: (isr) => this.alterIsr(isr),
      highWatermarkAdvanced: () => host.highWatermarkAdvanced(),
      commitLogStartOffset: (offset) => {
        host.writeSync(() => host.log().advanceLogStartOffset(offset));
        void host.scheduleRetention();
      },
      compaction: host.compaction(),
      fenced: () => this.stepDown(),
      outgoing: () => host.outgoing(),
    });
    this.leader.kick();
    void host.scheduleRetention();
  }

  /** The replica's role and offsets, as describe and assign answer them. */
  status(): ReplicaStatus {
    invariant(this.assigned, "status of an unassigned replica");
    const log = this.host.log();
    return {
      role: this.isLeader() ? "leader" : "follower",
      leaderEpoch: this.assigned.state.leaderEpoch,
      ...log.state,
      sizeBytes: log.sizeBytes,
    };
  }

  /** A follower answered with a newer epoch: stop acting as leader, and learn the
   * partition's state from the controller. */
  private stepDown(): void {
    this.end({ code: "NOT_LEADER_OR_FOLLOWER", message: "a newer leader was elected" });
    if (this.assigned) this.assigned = withoutLeader(this.assigned);
    void this.host.scheduleCatchUp(this.host.clock.now());
  }

  private async alterIsr(isr: number[]): Promise<boolean> {
    const assignment = this.assigned;
    if (!assignment || !this.isLeader()) return false;
    await this.host.outgoing();
    const state = await askAlterPartition(this.host.env, this.host.limits, assignment, isr);
    if (!state) return false;
    this.applyState(state);
    return true;
  }

  /** Adopts `state` if it is newer than the one known here (or, from the controller's
   * own answer, as new). */
  private applyState(state: PartitionState, authoritative = false): void {
    const current = this.assigned;
    if (current && supersedes(current.state, state, authoritative)) this.adopt({ ...current, state });
  }
}

// One replica of one partition: a Durable Object named `<topicId>/<partition>/<replica>`
// that owns the partition's log in SQLite, its role and leaderEpoch, replication (as
// leader: push; as follower: accept pushes, pull to catch up), long-poll waiters, and
// retention through its alarm. This class is the RPC surface: roles live in
// replica-roles.ts, each side of replication in leader- and follower-replication.ts.

import { DurableObject } from "cloudflare:workers";
import { AlarmTasks } from "../common/alarm-tasks.js";
import { systemClock, type TimerClock } from "../common/clock.js";
import { RowCounter } from "../common/counting-sql.js";
import { failure, type Result } from "../protocol/errors.js";
import { type Limits, resolveLimits } from "../protocol/limits.js";
import { stampBatch } from "../protocol/record-codec.js";
import { isCompacted } from "../protocol/topic.js";
import { Compaction } from "./compaction.js";
import { Faults } from "./faults.js";
import { FetchWaiters } from "./fetch-waiters.js";
import { FollowerReplication } from "./follower-replication.js";
import { HighWatermarkCheckpoint } from "./high-watermark-checkpoint.js";
import { dumpRecords } from "./log-dump.js";
import { PartitionLog } from "./partition-log.js";
import { checkOffset, resolveOffset, unknownPartition } from "./replica-answers.js";
import { assignVerdict } from "./replica-role.js";
import { ReplicaRoles } from "./replica-roles.js";
import type {
  Fault,
  FetchRequest,
  FetchResponse,
  ProduceRequest,
  ProduceResponse,
  ReplicaAssignment,
  ReplicaFetchRequest,
  ReplicaFetchResponse,
  ReplicaLogDump,
  ReplicaMetrics,
  ReplicaStatus,
  ReplicateRequest,
  ReplicateResponse,
  TruncateRequest,
} from "./replica-types.js";
import { Retention } from "./retention.js";
import { RetentionRuns } from "./retention-runs.js";

type Task = "retention" | "catch-up" | "compaction";

export class PartitionReplica extends DurableObject<Env> {
  readonly limits: Limits;
  log!: PartitionLog;
  private tasks!: AlarmTasks<Task>;
  private waiters!: FetchWaiters;
  private readonly faults: Faults;
  private readonly follower: FollowerReplication;
  /** Swapped for a manual clock by tests, through runInDurableObject only. */
  private clock: TimerClock = systemClock;
  /** What the parts of this object read time from: whichever clock is in place. */
  private readonly time: TimerClock = {
    now: () => this.clock.now(),
    setTimeout: (callback, delayMs) => this.clock.setTimeout(callback, delayMs),
  };
  private readonly roles: ReplicaRoles;
  private destroyed = false;
  private readonly rows = new RowCounter();
  /** The only handle on this object's SQLite: every read and write is counted. */
  private readonly sql: SqlStorage;
  private readonly counters = { recordsIn: 0, bytesIn: 0, recordsOut: 0, bytesOut: 0, requests: 0 };
  readonly retention: Retention;
  private readonly retentionRuns: RetentionRuns;
  private readonly checkpoint: HighWatermarkCheckpoint;
  private readonly compaction: Compaction;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.limits = resolveLimits(env.EDGELOG_LIMITS);
    this.sql = this.rows.wrap(ctx.storage.sql);
    this.retention = new Retention(this.limits, this.time);
    this.faults = new Faults(this.sql);
    this.checkpoint = new HighWatermarkCheckpoint(this.time, this.limits.highWatermarkCheckpointIntervalMs, () => {
      // A crashed replica writes nothing: what it held in memory is lost.
      if (!this.destroyed && !this.faults.crashed) this.writeSync(() => this.log.checkpointHighWatermark());
    });
    this.roles = new ReplicaRoles({
      env,
      limits: this.limits,
      clock: this.time,
      sql: this.sql,
      log: () => this.log,
      destroyed: () => this.destroyed,
      writeSync: (write) => this.writeSync(write),
      highWatermarkAdvanced: () => this.highWatermarkAdvanced(),
      outgoing: () => this.faults.outgoing(),
      scheduleCatchUp: (dueAtMs) => this.tasks.schedule("catch-up", dueAtMs),
      scheduleRetention: () => this.retentionRuns.schedule(),
      compaction: () => this.compaction,
    });
    this.retentionRuns = new RetentionRuns(this.retention, {
      log: () => this.log,
      tasks: () => this.tasks,
      roles: this.roles,
      writeSync: (write) => this.writeSync(write),
      nowMs: () => this.time.now(),
    });
    this.compaction = new Compaction({
      sql: this.sql,
      log: () => this.log,
      roles: this.roles,
      writeSync: (write) => this.writeSync(write),
      nowMs: () => this.time.now(),
      schedule: (dueAtMs) => this.tasks.schedule("compaction", dueAtMs),
      limits: this.limits,
    });
    this.follower = new FollowerReplication({
      limits: this.limits,
      clock: this.time,
      log: () => this.log,
      assignment: () => (this.destroyed ? null : this.roles.current),
      writeSync: (write) => this.writeSync(write),
      highWatermarkAdvanced: () => this.highWatermarkAdvanced(),
      followLeader: (leaderEpoch, leader) => this.roles.followLeader(leaderEpoch, leader),
      refreshAssignment: () => this.roles.refreshAssignment(),
      replicaStub: (r) => this.roles.replicaStub(r),
      outgoing: () => this.faults.outgoing(),
      scheduleCatchUp: (dueAtMs) => this.tasks.schedule("catch-up", dueAtMs),
      compaction: () => this.compaction,
    });
    this.load();
  }

  /** (Re)builds every in-memory structure from storage, as a restarted object would. */
  private load(): void {
    // A leadership begun on the old log after a crash (by an answer already on its way
    // back) must not outlive it: it would push from a log that no longer is this one.
    this.roles.end({ code: "NOT_LEADER_OR_FOLLOWER", message: "the replica restarted" });
    this.checkpoint.cancel();
    this.log = new PartitionLog(this.sql);
    this.tasks = new AlarmTasks<Task>(this.ctx.storage, this.sql, ["retention", "catch-up", "compaction"]);
    this.waiters = new FetchWaiters(this.limits.maxWaitersPerReplica, this.time);
    this.retentionRuns.restore();
    this.compaction.restore();
    this.roles.restore();
  }

  /** One atomic write to the log. SQLite undoes a write that throws (a broken
   * invariant), but not what the write already changed in memory (offsets, producer
   * state, the recent batches): the replica then reloads itself from storage, as a
   * restarted object would, before the error goes on. */
  private writeSync<T>(write: () => T): T {
    try {
      return this.ctx.storage.transactionSync(write);
    } catch (error) {
      this.load();
      throw error;
    }
  }

  // ---- controller ----------------------------------------------------------------

  /** Creates the replica or updates its role, epochs, ISR and config. A stale
   * assignment (older leaderEpoch or partitionEpoch) changes nothing. */
  async assign(next: ReplicaAssignment): Promise<Result<ReplicaStatus>> {
    await this.admit("peer");
    if (this.destroyed) return unknownPartition();
    const verdict = assignVerdict(this.roles.current, next);
    if (verdict.kind === "fenced") return failure("FENCED_LEADER_EPOCH", verdict.message);
    if (verdict.kind === "stale") return { ok: true, ...this.roles.status() };
    this.roles.adopt(next);
    await this.retentionRuns.reschedule();
    await this.compaction.scheduleNext();
    return { ok: true, ...this.roles.status() };
  }

  /** Liveness probe for the controller. */
  async ping(): Promise<{ ok: true; leaderEpoch: number }> {
    await this.admit("peer");
    return { ok: true, leaderEpoch: this.roles.current?.state.leaderEpoch ?? -1 };
  }

  /** Drops all state: the topic was deleted. Parked fetches are woken and refused. */
  async destroy(): Promise<{ ok: true }> {
    this.destroyed = true;
    this.roles.end({ code: "UNKNOWN_TOPIC_OR_PARTITION", message: "the topic was deleted" }, true);
    this.waiters.releaseAll();
    this.checkpoint.cancel();
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    return { ok: true };
  }

  // ---- router ----------------------------------------------------------------------

  async produce(request: ProduceRequest): Promise<Result<ProduceResponse>> {
    await this.admit("router");
    const leading = this.roles.leading();
    if (!leading.ok) return leading;
    const { state, config } = leading.assignment;
    if (request.acks === "all" && state.isr.length < config.minInsyncReplicas) {
      return failure(
        "NOT_ENOUGH_REPLICAS",
        `the ISR has ${state.isr.length} replicas, below minInsyncReplicas ${config.minInsyncReplicas}`,
      );
    }
    const batch = stampBatch(request.batch, this.time.now());
    if (batch.keylessCount > 0 && isCompacted(config)) {
      return failure("INVALID_RECORD", `${batch.keylessCount} records have no key; a compacted topic needs one`);
    }
    if (request.producer) {
      const verdict = this.log.producers.check(request.producer);
      if (verdict.kind === "refuse") return { ok: false, error: verdict.error };
      if (verdict.kind === "duplicate") {
        // A retry of a batch already in the log: its original offsets, once committed.
        const lastOffset = verdict.baseOffset + batch.timestamps.length - 1;
        if (request.acks === "all") {
          const committed = await leading.leadership.awaitCommit(lastOffset);
          if (!committed.ok) return committed;
        }
        return { ok: true, baseOffset: verdict.baseOffset, lastOffset, rowsWritten: 0 };
      }
    }
    const appended = this.writeSync(() =>
      this.log.append(batch, state.leaderEpoch, this.limits.maxBatchRowBytes, request.producer),
    );
    this.counters.recordsIn += batch.timestamps.length;
    this.counters.bytesIn += batch.sizeBytes;
    leading.leadership.kick();
    await this.retentionRuns.appended(config);
    await this.compaction.scheduleNext();
    if (request.acks === "all") {
      const committed = await leading.leadership.awaitCommit(appended.lastOffset);
      if (!committed.ok) return committed;
    }
    return { ok: true, ...appended };
  }

  async fetchRecords(request: FetchRequest): Promise<Result<FetchResponse>> {
    await this.admit("router");
    const serving = this.roles.serving(request.allowFollower);
    if (!serving.ok) return serving;
    const offset = resolveOffset(this.log.state, request.offset);
    const range = checkOffset(this.log.state, offset);
    if (!range.ok) return range;
    if (offset >= this.log.state.highWatermark && request.maxWaitMs > 0) {
      await this.waiters.wait(offset, Math.min(request.maxWaitMs, this.limits.maxWaitMs), request.waitKey);
      // Still one request (already counted); a crash meanwhile refuses it.
      await this.faults.gate("router");
      if (this.destroyed) return unknownPartition();
    }
    const read = this.log.read(offset, request.maxRecords, request.maxBytes, request.encoding);
    this.counters.recordsOut += read.recordCount;
    this.counters.bytesOut += read.sizeBytes;
    const { highWatermark, logStartOffset } = this.log.state;
    return {
      ok: true,
      fetchOffset: offset,
      records: read.records,
      recordStarts: read.recordStarts,
      recordCount: read.recordCount,
      sizeBytes: read.sizeBytes,
      nextOffset: read.nextOffset,
      recordOffsets: read.recordOffsets,
      highWatermark,
      logStartOffset,
      replica: serving.replica,
    };
  }

  /** Counters for /metrics. */
  metrics(): Result<ReplicaMetrics> {
    if (this.destroyed || !this.roles.current) return unknownPartition();
    this.rows.settle();
    const { rowsRead, rowsWritten } = this.rows;
    return {
      ok: true,
      role: this.roles.isLeader() ? "leader" : "follower",
      ...this.counters,
      rowsRead,
      rowsWritten,
      ...this.log.state,
      ...this.compaction.metrics(),
    };
  }

  /** Ends the parked fetches of one multi-partition fetch that has already answered. */
  cancelWait(waitKey: string): number {
    return this.waiters.cancel(waitKey);
  }

  /** Kafka ListOffsets: earliest, latest (the highWatermark) or the first offset at or
   * after a timestamp; with no such record, the highWatermark and no timestamp. */
  async listOffsets(at: "earliest" | "latest" | number): Promise<Result<{ offset: number; timestamp?: number }>> {
    await this.admit("router");
    const leading = this.roles.leading();
    if (!leading.ok) return leading;
    const unconfirmed = this.roles.unconfirmedStart();
    if (unconfirmed) return unconfirmed;
    if (typeof at !== "number") return { ok: true, offset: resolveOffset(this.log.state, at) };
    const found = this.log.offsetForTimestamp(at);
    return found ? { ok: true, ...found } : { ok: true, offset: this.log.state.highWatermark };
  }

  async describe(): Promise<Result<ReplicaStatus>> {
    await this.admit("router");
    if (this.destroyed || !this.roles.current) return unknownPartition();
    return this.roles.unconfirmedStart() ?? { ok: true, ...this.roles.status() };
  }

  // ---- replication -----------------------------------------------------------------

  /** A leader's push (follower-replication.ts). */
  async replicate(request: ReplicateRequest): Promise<Result<ReplicateResponse>> {
    await this.admit("peer");
    return this.follower.replicate(request);
  }

  /** The leader drops this follower's diverged suffix (follower-replication.ts). */
  async truncate(request: TruncateRequest): Promise<Result<{ logEndOffset: number }>> {
    await this.admit("peer");
    return this.follower.truncate(request);
  }

  /** A follower pulling to catch up: a replica fetch. */
  async fetchForReplica(request: ReplicaFetchRequest): Promise<Result<ReplicaFetchResponse>> {
    await this.admit("peer");
    const leading = this.roles.leading();
    if (!leading.ok) return leading;
    if (request.leaderEpoch !== leading.assignment.state.leaderEpoch) {
      return failure(
        "FENCED_LEADER_EPOCH",
        `follower at leaderEpoch ${request.leaderEpoch}, leader at ${leading.assignment.state.leaderEpoch}`,
      );
    }
    return { ok: true, ...(await leading.leadership.replicaFetch(request)) };
  }

  // ---- faults (tests only; the router exposes them only with EDGELOG_FAULTS=1) --------

  async injectFault(fault: Fault): Promise<{ ok: true }> {
    const wasCrashed = this.faults.crashed;
    this.faults.set(fault);
    if (fault === "crash") {
      // A crash loses everything in memory: parked fetches and pending acks fail.
      this.roles.end({ code: "NOT_LEADER_OR_FOLLOWER", message: "the leader crashed" });
      this.waiters.releaseAll();
    } else if (wasCrashed) {
      // Any fault but a crash means the object is up again: it restarts from storage.
      this.load();
    }
    if (fault === "heal") await this.tasks.schedule("catch-up", this.time.now());
    return { ok: true };
  }

  /** Every stored record from `fromOffset` up to the logEndOffset, whatever the role. */
  async dumpLog(fromOffset: number): Promise<ReplicaLogDump> {
    return {
      ...this.log.state,
      pendingLogStartOffset: this.log.pendingLogStartOffset,
      leaderEpoch: this.roles.current?.state.leaderEpoch ?? -1,
      state: this.roles.current?.state ?? null,
      alarmAtMs: await this.ctx.storage.getAlarm(),
      fault: this.faults.current,
      leadership: this.roles.leadership?.debugState() ?? null,
      records: dumpRecords(this.log, fromOffset),
    };
  }

  // ---- alarm -------------------------------------------------------------------------

  override async alarm(): Promise<void> {
    if (this.destroyed || !this.roles.current) return;
    if (this.faults.crashed) {
      // A crashed replica does nothing; its tasks wait for the heal. The alarm itself
      // is on the runtime's clock, whatever clock the tasks are due on.
      await this.ctx.storage.setAlarm(Date.now() + this.limits.catchUpIntervalMs);
      return;
    }
    for (const task of this.tasks.takeDue(this.time.now())) {
      if (task === "retention") this.retentionRuns.run(this.roles.current.config);
      if (task === "catch-up") await this.follower.catchUp();
      if (task === "compaction") await this.compaction.step();
    }
    await this.retentionRuns.reschedule();
    await this.tasks.arm();
  }

  /** Every call answered counts as a DO request; faults may refuse or delay it. */
  private async admit(caller: "router" | "peer"): Promise<void> {
    this.counters.requests++;
    await this.faults.gate(caller);
  }

  // ---- helpers -----------------------------------------------------------------------

  /** Wakes the fetches the new highWatermark covers; a replicated partition writes it
   * lazily (a single replica recovers it as its logEndOffset). */
  private highWatermarkAdvanced(): void {
    this.waiters.notify(this.log.state.highWatermark);
    if ((this.roles.current?.state.replicas.length ?? 1) > 1) this.checkpoint.moved();
  }
}

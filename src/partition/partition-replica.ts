// One replica of one partition: a Durable Object named `<topicId>/<partition>/<replica>`
// that owns the partition's log in SQLite, its role and leaderEpoch, replication (as
// leader: push; as follower: accept pushes, pull to catch up), long-poll waiters, and
// retention through its alarm.

import { DurableObject } from "cloudflare:workers";
import { AlarmTasks } from "../common/alarm-tasks.js";
import { RowCounter } from "../common/counting-sql.js";
import { invariant } from "../common/invariant.js";
import { withTimeout } from "../common/timeout.js";
import { controllerStub } from "../controller/controller-stub.js";
import { type ErrorData, type Failure, failure, type Result } from "../protocol/errors.js";
import { type Limits, resolveLimits } from "../protocol/limits.js";
import { decodeBatch, RecordsJson, stampBatch } from "../protocol/record-codec.js";
import type { PartitionState } from "../protocol/topic.js";
import { Faults } from "./faults.js";
import { FetchWaiters } from "./fetch-waiters.js";
import { LeaderReplication } from "./leader-replication.js";
import { PartitionLog, type ReplicatedBatch } from "./partition-log.js";
import { replicaStub } from "./replica-stub.js";
import type {
  Fault,
  FetchRequest,
  FetchResponse,
  ProduceRequest,
  ProduceResponse,
  ReplicaAssignment,
  ReplicaConfig,
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

type Task = "retention" | "catch-up";

/** Pull rounds of one catch-up run before it yields to the next alarm. */
const CATCH_UP_ROUNDS = 32;
const MAX_DUMP_RECORDS = 100_000;

export class PartitionReplica extends DurableObject<Env> {
  readonly limits: Limits;
  log!: PartitionLog;
  private tasks!: AlarmTasks<Task>;
  private waiters!: FetchWaiters;
  private readonly faults: Faults;
  private current: ReplicaAssignment | null = null;
  private leadership: LeaderReplication | null = null;
  private retentionDueAt: number | null = null;
  private destroyed = false;
  private readonly rows = new RowCounter();
  /** The only handle on this object's SQLite: every read and write is counted. */
  private readonly sql: SqlStorage;
  private readonly counters = { recordsIn: 0, bytesIn: 0, recordsOut: 0, bytesOut: 0, requests: 0 };
  readonly retention: Retention;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.limits = resolveLimits(env.EDGELOG_LIMITS);
    this.sql = this.rows.wrap(ctx.storage.sql);
    this.retention = new Retention(this.limits);
    this.faults = new Faults(this.sql);
    this.load();
  }

  /** (Re)builds every in-memory structure from storage, as a restarted object would. */
  private load(): void {
    const sql = this.sql;
    sql.exec(
      "CREATE TABLE IF NOT EXISTS replica_assignment (id INTEGER PRIMARY KEY CHECK (id = 1), assignment TEXT NOT NULL)",
    );
    // A leadership begun on the old log after a crash (by an answer already on its way
    // back) must not outlive it: it would push from a log that no longer is this one.
    this.leadership?.stop({ code: "NOT_LEADER_OR_FOLLOWER", message: "the replica restarted" });
    this.log = new PartitionLog(sql);
    this.tasks = new AlarmTasks<Task>(this.ctx.storage, sql, ["retention", "catch-up"]);
    this.waiters = new FetchWaiters(this.limits.maxWaitersPerReplica);
    const row = sql.exec<{ assignment: string }>("SELECT assignment FROM replica_assignment").toArray()[0];
    this.current = row ? (JSON.parse(row.assignment) as ReplicaAssignment) : null;
    this.retentionDueAt = this.tasks.dueAt("retention");
    this.leadership = null;
    const assignment = this.current;
    if (assignment && this.isLeader() && assignment.state.replicas.length === 1) this.lead();
    else if (assignment) {
      // A restarted replica may have missed an election or an ISR change while down:
      // a leader leads again only once the controller confirms (the catch-up task
      // asks), so it never commits with an ISR the controller has moved past.
      if (this.isLeader()) this.current = { ...assignment, state: { ...assignment.state, leader: -1 } };
      void this.tasks.schedule("catch-up", Date.now());
    }
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
    const current = this.current;
    if (current) {
      invariant(
        current.topicId === next.topicId &&
          current.state.partition === next.state.partition &&
          current.replica === next.replica,
        "replica identity is fixed",
      );
      if (next.state.leaderEpoch < current.state.leaderEpoch) {
        return failure(
          "FENCED_LEADER_EPOCH",
          `leaderEpoch ${next.state.leaderEpoch} is older than ${current.state.leaderEpoch}`,
        );
      }
      const stale =
        next.state.leaderEpoch === current.state.leaderEpoch &&
        next.state.partitionEpoch < current.state.partitionEpoch;
      if (stale) return { ok: true, ...this.status() };
    }
    this.adopt(next);
    this.retentionDueAt = null;
    await this.scheduleRetention();
    return { ok: true, ...this.status() };
  }

  /** Liveness probe for the controller. */
  async ping(): Promise<{ ok: true; leaderEpoch: number }> {
    await this.admit("peer");
    return { ok: true, leaderEpoch: this.current?.state.leaderEpoch ?? -1 };
  }

  /** Drops all state: the topic was deleted. Parked fetches are woken and refused. */
  async destroy(): Promise<{ ok: true }> {
    this.destroyed = true;
    this.leadership?.stop({ code: "UNKNOWN_TOPIC_OR_PARTITION", message: "the topic was deleted" });
    this.leadership = null;
    this.current = null;
    this.waiters.releaseAll();
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    return { ok: true };
  }

  // ---- router ----------------------------------------------------------------------

  async produce(request: ProduceRequest): Promise<Result<ProduceResponse>> {
    await this.admit("router");
    const leading = this.leading();
    if (!leading.ok) return leading;
    const { state, config } = leading.assignment;
    if (request.acks === "all" && state.isr.length < config.minInsyncReplicas) {
      return failure(
        "NOT_ENOUGH_REPLICAS",
        `the ISR has ${state.isr.length} replicas, below minInsyncReplicas ${config.minInsyncReplicas}`,
      );
    }
    const batch = stampBatch(request.batch, Date.now());
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
    if (this.retentionDueAt === null || this.log.sizeBytes > this.retention.maxLogBytes(config)) {
      await this.scheduleRetention();
    }
    if (request.acks === "all") {
      const committed = await leading.leadership.awaitCommit(appended.lastOffset);
      if (!committed.ok) return committed;
    }
    return { ok: true, ...appended };
  }

  async fetchRecords(request: FetchRequest): Promise<Result<FetchResponse>> {
    await this.admit("router");
    const serving = this.serving(request.allowFollower);
    if (!serving.ok) return serving;
    const offset = this.resolveOffset(request.offset);
    const range = this.checkOffset(offset);
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
      highWatermark,
      logStartOffset,
      replica: serving.replica,
    };
  }

  /** Counters for /metrics. */
  metrics(): Result<ReplicaMetrics> {
    if (this.destroyed || !this.current) return unknownPartition();
    this.rows.settle();
    const { rowsRead, rowsWritten } = this.rows;
    return {
      ok: true,
      role: this.isLeader() ? "leader" : "follower",
      ...this.counters,
      rowsRead,
      rowsWritten,
      ...this.log.state,
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
    const leading = this.leading();
    if (!leading.ok) return leading;
    const unconfirmed = this.unconfirmedStart();
    if (unconfirmed) return unconfirmed;
    if (typeof at !== "number") return { ok: true, offset: this.resolveOffset(at) };
    const found = this.log.offsetForTimestamp(at);
    return found ? { ok: true, ...found } : { ok: true, offset: this.log.state.highWatermark };
  }

  async describe(): Promise<Result<ReplicaStatus>> {
    await this.admit("router");
    if (this.destroyed || !this.current) return unknownPartition();
    return this.unconfirmedStart() ?? { ok: true, ...this.status() };
  }

  // ---- replication -----------------------------------------------------------------

  /** A leader's push. Accepted only from the current (or a newer) leaderEpoch, and only
   * where it continues this log; else the leader learns where the logs diverge. */
  async replicate(request: ReplicateRequest): Promise<Result<ReplicateResponse>> {
    await this.admit("peer");
    const fenced = this.followLeader(request.leaderEpoch, request.leader);
    if (fenced) return fenced;
    this.learnLogStartOffsets(request.logStartOffset, request.pendingLogStartOffset);
    const { logEndOffset } = this.log.state;
    const pendingLogStartOffset = this.log.pendingLogStartOffset;
    if (request.fromOffset !== logEndOffset || !this.log.continuesAt(request.fromOffset, request.prevEpoch)) {
      return { ok: true, matched: false, logEndOffset, lastEpoch: this.log.epochs.latest(), pendingLogStartOffset };
    }
    this.writeSync(() => {
      this.log.appendReplicated(request.batches);
      this.log.advanceHighWatermark(request.highWatermark, true);
    });
    this.waiters.notify(this.log.state.highWatermark);
    return { ok: true, matched: true, logEndOffset: this.log.state.logEndOffset, pendingLogStartOffset };
  }

  /** A follower learns the leader's logStartOffsets (KIP-107): it holds the pending
   * one, so that it never serves below it if elected, and deletes below the committed
   * one. A log ending below that start is emptied and continues from it. */
  private learnLogStartOffsets(logStartOffset: number, pendingLogStartOffset: number): void {
    const { log } = this;
    if (pendingLogStartOffset <= log.pendingLogStartOffset && logStartOffset <= log.state.logStartOffset) return;
    this.writeSync(() => {
      log.holdLogStartOffset(pendingLogStartOffset);
      log.advanceLogStartOffset(logStartOffset);
    });
    this.waiters.notify(log.state.highWatermark);
  }

  /** Drops this follower's diverged suffix (KIP-101/279): to the smaller of the
   * leader's end of `epoch` and this log's own end of it. */
  async truncate(request: TruncateRequest): Promise<Result<{ logEndOffset: number }>> {
    await this.admit("peer");
    const current = this.current;
    if (this.destroyed || !current) return unknownPartition();
    // Only the leader this replica already follows may truncate it (its push came first).
    if (request.leaderEpoch !== current.state.leaderEpoch || this.isLeader()) {
      return failure(
        "FENCED_LEADER_EPOCH",
        `truncate at leaderEpoch ${request.leaderEpoch}, here ${current.state.leaderEpoch}`,
      );
    }
    const own = this.log.epochs.endOffsetFor(request.epoch).endOffset;
    const logEndOffset = this.writeSync(() => this.log.truncateTo(Math.min(request.endOffset, own)));
    return { ok: true, logEndOffset };
  }

  /** A follower pulling to catch up: a replica fetch. */
  async fetchForReplica(request: ReplicaFetchRequest): Promise<Result<ReplicaFetchResponse>> {
    await this.admit("peer");
    const leading = this.leading();
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
      this.leadership?.stop({ code: "NOT_LEADER_OR_FOLLOWER", message: "the leader crashed" });
      this.leadership = null;
      this.waiters.releaseAll();
    } else if (wasCrashed) {
      // Any fault but a crash means the object is up again: it restarts from storage.
      this.load();
    }
    if (fault === "heal") await this.tasks.schedule("catch-up", Date.now());
    return { ok: true };
  }

  /** Every stored record from `fromOffset` up to the logEndOffset, whatever the role. */
  async dumpLog(fromOffset: number): Promise<ReplicaLogDump> {
    const records = new RecordsJson();
    for (const batch of this.log.batchesFrom(fromOffset, Number.MAX_SAFE_INTEGER, MAX_DUMP_RECORDS)) {
      const { format, records: decoded } = decodeBatch(batch.payload);
      decoded.forEach((record, i) => {
        if (batch.baseOffset + i >= fromOffset) records.add(record, batch.baseOffset + i, format, "json");
      });
    }
    return {
      ...this.log.state,
      pendingLogStartOffset: this.log.pendingLogStartOffset,
      leaderEpoch: this.current?.state.leaderEpoch ?? -1,
      state: this.current?.state ?? null,
      alarmAtMs: await this.ctx.storage.getAlarm(),
      fault: this.faults.current,
      leadership: this.leadership?.debugState() ?? null,
      records: new TextDecoder().decode(records.finish()),
    };
  }

  // ---- alarm -------------------------------------------------------------------------

  override async alarm(): Promise<void> {
    if (this.destroyed || !this.current) return;
    if (this.faults.crashed) {
      // A crashed replica does nothing; its tasks wait for the heal.
      await this.ctx.storage.setAlarm(Date.now() + this.limits.catchUpIntervalMs);
      return;
    }
    const now = Date.now();
    for (const task of this.tasks.takeDue(now)) {
      if (task === "retention") this.runRetention(this.current.config);
      if (task === "catch-up") await this.catchUp();
    }
    this.retentionDueAt = null;
    await this.scheduleRetention();
    await this.tasks.arm();
  }

  /** A follower pulls from its leader until it has all the leader has, then keeps
   * pulling at catchUpIntervalMs while the leader says it is not in the ISR. */
  private async catchUp(): Promise<void> {
    for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
      if (this.current && this.current.state.leader < 0) await this.refreshAssignment().catch(() => undefined);
      const assignment = this.current;
      if (!assignment || this.isLeader()) return;
      if (assignment.state.leader < 0) break;
      const asked = { ...assignment.state, logEndOffset: this.log.state.logEndOffset };
      let answer: Result<ReplicaFetchResponse>;
      try {
        await this.faults.outgoing();
        const leader = this.replicaStub(assignment.state.leader);
        answer = await withTimeout(
          async () =>
            await leader.fetchForReplica({
              replica: assignment.replica,
              leaderEpoch: assignment.state.leaderEpoch,
              fromOffset: this.log.state.logEndOffset,
              prevEpoch: this.log.epochAt(this.log.state.logEndOffset - 1),
              lastEpoch: this.log.epochs.latest(),
              pendingLogStartOffset: this.log.pendingLogStartOffset,
            }),
          this.limits.peerTimeoutMs,
          "replica fetch",
        );
      } catch {
        break;
      }
      if (!answer.ok) {
        // The leader moved or this replica's epoch is stale: ask the controller.
        await this.refreshAssignment().catch(() => undefined);
        break;
      }
      // While the answer was on its way this replica may have been elected, or its log
      // changed by a push: an answer about the old state must not touch the new one.
      const now = this.current?.state;
      const unchanged =
        now?.leader === asked.leader &&
        now.leaderEpoch === asked.leaderEpoch &&
        this.log.state.logEndOffset === asked.logEndOffset;
      if (!unchanged) continue;
      if (answer.diverged) {
        const truncateTo = Math.min(answer.endOffset, this.log.epochs.endOffsetFor(answer.epoch).endOffset);
        this.writeSync(() => this.log.truncateTo(truncateTo));
        continue;
      }
      this.learnLogStartOffsets(answer.logStartOffset, answer.pendingLogStartOffset);
      this.applyPulled(answer.batches, answer.highWatermark);
      if (answer.batches.length === 0) {
        if (answer.inIsr) return;
        break;
      }
    }
    await this.tasks.schedule("catch-up", Date.now() + this.limits.catchUpIntervalMs);
  }

  /** Pulled batches may overlap what a push already brought: only the rest is new. */
  private applyPulled(batches: readonly ReplicatedBatch[], highWatermark: number): void {
    const fresh = batches.filter((b) => b.baseOffset >= this.log.state.logEndOffset);
    if (fresh.length > 0 && fresh[0]!.baseOffset !== this.log.state.logEndOffset) return;
    this.writeSync(() => {
      this.log.appendReplicated(fresh);
      this.log.advanceHighWatermark(highWatermark, true);
    });
    this.waiters.notify(this.log.state.highWatermark);
  }

  /** Every call answered counts as a DO request; faults may refuse or delay it. */
  private async admit(caller: "router" | "peer"): Promise<void> {
    this.counters.requests++;
    await this.faults.gate(caller);
  }

  // ---- roles -------------------------------------------------------------------------

  private isLeader(): boolean {
    return this.current !== null && this.current.state.leader === this.current.replica;
  }

  /** Stores and applies an assignment: starts or ends leadership as it says. */
  private adopt(next: ReplicaAssignment): void {
    const previous = this.current;
    this.sql.exec(
      "INSERT INTO replica_assignment (id, assignment) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET assignment = excluded.assignment",
      JSON.stringify(next),
    );
    this.current = next;
    const sameLeadership =
      previous !== null &&
      previous.state.leader === next.state.leader &&
      previous.state.leaderEpoch === next.state.leaderEpoch;
    if (this.leadership && !(sameLeadership && this.isLeader())) {
      this.leadership.stop({ code: "NOT_LEADER_OR_FOLLOWER", message: "leadership moved" });
      this.leadership = null;
    }
    if (this.isLeader()) {
      if (this.leadership) this.leadership.isrChanged();
      else this.lead();
    } else if (!next.state.isr.includes(next.replica)) {
      void this.tasks.schedule("catch-up", Date.now());
    }
  }

  private lead(): void {
    const assignment = this.current;
    invariant(assignment && this.isLeader(), "only the leader leads");
    this.log.epochs.assign(assignment.state.leaderEpoch, this.log.state.logEndOffset);
    this.leadership = new LeaderReplication({
      log: this.log,
      limits: this.limits,
      assignment: () => {
        invariant(this.current, "a leader has an assignment");
        return this.current;
      },
      replicaStub: (r) => this.replicaStub(r),
      alterIsr: (isr) => this.alterIsr(isr),
      highWatermarkAdvanced: () => this.waiters.notify(this.log.state.highWatermark),
      commitLogStartOffset: (offset) => {
        this.writeSync(() => this.log.advanceLogStartOffset(offset));
        void this.scheduleRetention();
      },
      fenced: () => this.stepDown(),
      outgoing: () => this.faults.outgoing(),
    });
    this.leadership.kick();
    void this.scheduleRetention();
  }

  /** A follower answered with a newer epoch: stop acting as leader, and learn the
   * partition's state from the controller. */
  private stepDown(): void {
    this.leadership?.stop({ code: "NOT_LEADER_OR_FOLLOWER", message: "a newer leader was elected" });
    this.leadership = null;
    if (this.current) this.current = { ...this.current, state: { ...this.current.state, leader: -1 } };
    void this.tasks.schedule("catch-up", Date.now());
  }

  /** Asks the controller what this replica is now (after missing its notifications). */
  private async refreshAssignment(): Promise<void> {
    const assignment = this.current;
    if (!assignment) return;
    await this.faults.outgoing();
    const answer = await withTimeout(
      async () =>
        await controllerStub(this.env, assignment.topicId).assignmentOf(assignment.state.partition, assignment.replica),
      this.limits.peerTimeoutMs,
      "assignment refresh",
    );
    if (answer.ok) this.applyState(answer.assignment.state, true);
  }

  /** Accepts a leader of `leaderEpoch` if it is not older than the one known here; a
   * newer one is adopted before the controller's word arrives (it can only come from
   * an election). */
  private followLeader(leaderEpoch: number, leader: number): { ok: false; error: ErrorData } | null {
    const current = this.current;
    if (this.destroyed || !current) return unknownPartition();
    if (leaderEpoch < current.state.leaderEpoch) {
      return failure("FENCED_LEADER_EPOCH", `leaderEpoch ${leaderEpoch} is older than ${current.state.leaderEpoch}`);
    }
    if (leaderEpoch > current.state.leaderEpoch) {
      this.adopt({ ...current, state: { ...current.state, leader, leaderEpoch } });
    }
    return null;
  }

  private async alterIsr(isr: number[]): Promise<boolean> {
    const assignment = this.current;
    if (!assignment || !this.isLeader()) return false;
    await this.faults.outgoing();
    const answer = await withTimeout(
      async () =>
        await controllerStub(this.env, assignment.topicId).alterPartition({
          partition: assignment.state.partition,
          replica: assignment.replica,
          leaderEpoch: assignment.state.leaderEpoch,
          partitionEpoch: assignment.state.partitionEpoch,
          isr,
        }),
      this.limits.peerTimeoutMs,
      "AlterPartition",
    );
    if (!answer.ok) return false;
    this.applyState(answer.state);
    return true;
  }

  /** Adopts `state` if it is newer than the one known here (or, from the controller's
   * own answer, as new). */
  private applyState(state: PartitionState, authoritative = false): void {
    const current = this.current;
    if (!current) return;
    const newer =
      state.leaderEpoch > current.state.leaderEpoch ||
      (state.leaderEpoch === current.state.leaderEpoch && state.partitionEpoch > current.state.partitionEpoch);
    const sameOrNewer = state.leaderEpoch >= current.state.leaderEpoch;
    if (newer || (authoritative && sameOrNewer)) this.adopt({ ...current, state });
  }

  private leading(): Result<{ assignment: ReplicaAssignment; leadership: LeaderReplication }> {
    if (this.destroyed || !this.current) return unknownPartition();
    if (!this.isLeader() || !this.leadership) {
      return failure("NOT_LEADER_OR_FOLLOWER", "this replica is not the partition leader");
    }
    return { ok: true, assignment: this.current, leadership: this.leadership };
  }

  /** The leader serves fetches; with follower fetch, so does an in-sync follower. */
  private serving(allowFollower: boolean): Result<{ replica: number }> {
    if (this.destroyed || !this.current) return unknownPartition();
    const { replica } = this.current;
    if (this.isLeader() && this.leadership) return this.unconfirmedStart() ?? { ok: true, replica };
    if (allowFollower && this.current.state.isr.includes(replica)) return { ok: true, replica };
    return failure("NOT_LEADER_OR_FOLLOWER", "this replica is not the partition leader");
  }

  /** A newly elected leader answers reads only once its logStartOffset reached the
   * pending one it holds: a previous leader may have served that start already. */
  private unconfirmedStart(): Failure | null {
    if (!this.leadership || this.leadership.logStartOffsetConfirmed()) return null;
    return failure("OFFSET_NOT_AVAILABLE", "the new leader has not yet committed the logStartOffset it holds");
  }

  private replicaStub(replica: number) {
    const assignment = this.current;
    invariant(assignment, "peers of an assigned replica");
    return replicaStub(this.env, assignment.topicId, assignment.config, assignment.state.partition, replica);
  }

  // ---- retention ---------------------------------------------------------------------

  /** Only the leader runs retention: it chooses the new logStartOffset and commits it
   * through replication once the ISR holds it (leader-replication.ts); followers
   * delete what it committed, so every replica's storage shrinks alike. */
  private runRetention(config: ReplicaConfig): void {
    const leadership = this.leadership;
    if (!leadership) return;
    const chosen = this.retention.chooseLogStartOffset(this.log, config);
    if (this.writeSync(() => this.log.holdLogStartOffset(chosen))) leadership.kick();
  }

  /** Schedules the leader's next retention run. While a pending logStartOffset waits
   * for the ISR there is none: committing it schedules the next. */
  private async scheduleRetention(): Promise<void> {
    const config = this.current?.config;
    if (!config || !this.leadership) return;
    if (this.log.pendingLogStartOffset > this.log.state.logStartOffset) return;
    const due = this.retention.nextRunAtMs(this.log, config, Date.now());
    if (due === null) return;
    await this.tasks.schedule("retention", due);
    this.retentionDueAt = this.tasks.dueAt("retention");
  }

  // ---- helpers -----------------------------------------------------------------------

  private resolveOffset(offset: number | "earliest" | "latest"): number {
    if (offset === "earliest") return this.log.state.logStartOffset;
    if (offset === "latest") return this.log.state.highWatermark;
    return offset;
  }

  private checkOffset(offset: number): Result<object> {
    const { logStartOffset, highWatermark, logEndOffset } = this.log.state;
    if (offset >= logStartOffset && offset <= logEndOffset) return { ok: true };
    return failure("OFFSET_OUT_OF_RANGE", `offset ${offset} is outside [${logStartOffset}, ${logEndOffset}]`, {
      logStartOffset,
      highWatermark,
    });
  }

  private status(): ReplicaStatus {
    invariant(this.current, "status of an unassigned replica");
    return {
      role: this.isLeader() ? "leader" : "follower",
      leaderEpoch: this.current.state.leaderEpoch,
      ...this.log.state,
      sizeBytes: this.log.sizeBytes,
    };
  }
}

function unknownPartition(): { ok: false; error: ErrorData } {
  return { ok: false, error: { code: "UNKNOWN_TOPIC_OR_PARTITION", message: "this partition does not exist" } };
}

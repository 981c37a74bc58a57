// One replica of one partition: a Durable Object named `<topicId>/<partition>/<replica>`
// that owns the partition's log in SQLite, its role and leaderEpoch, long-poll
// waiters, and retention through its alarm.

import { DurableObject } from "cloudflare:workers";
import { AlarmTasks } from "../common/alarm-tasks.js";
import { invariant } from "../common/invariant.js";
import { failure, type Result } from "../protocol/errors.js";
import { type Limits, resolveLimits } from "../protocol/limits.js";
import type { Encoding, RecordFormat, StoredRecord } from "../protocol/record-codec.js";
import { FetchWaiters } from "./fetch-waiters.js";
import { PartitionLog } from "./partition-log.js";

export interface ReplicaConfig {
  retentionMs: number;
  retentionBytes: number;
}

/** What the controller tells a replica about itself. */
export interface ReplicaAssignment {
  topicId: string;
  partition: number;
  replica: number;
  role: "leader" | "follower";
  leaderEpoch: number;
  config: ReplicaConfig;
}

export type ProduceRecord = Omit<StoredRecord, "timestamp"> & {
  /** Null: the leader's clock at append. */
  timestamp: number | null;
};

export interface ProduceRequest {
  format: RecordFormat;
  records: ProduceRecord[];
}

export interface FetchRequest {
  offset: number | "earliest" | "latest";
  maxRecords: number;
  maxBytes: number;
  maxWaitMs: number;
  encoding: Encoding;
  /** Lets the router cancel this wait once a sibling partition of its fetch answers. */
  waitKey: string | null;
}

export interface FetchResponse {
  /** The offset read from, once earliest/latest are resolved. */
  fetchOffset: number;
  /** A JSON array text of the records, spliced as is into the HTTP response. */
  records: string;
  recordCount: number;
  sizeBytes: number;
  nextOffset: number;
  highWatermark: number;
  logStartOffset: number;
}

export interface ReplicaStatus {
  role: "leader" | "follower";
  leaderEpoch: number;
  logStartOffset: number;
  highWatermark: number;
  logEndOffset: number;
  sizeBytes: number;
}

type Task = "retention";

/** Batches deleted by one retention run; more are left to the next alarm. */
const RETENTION_BATCHES_PER_RUN = 5_000;

export class PartitionReplica extends DurableObject<Env> {
  private readonly limits: Limits;
  private readonly log: PartitionLog;
  private readonly tasks: AlarmTasks<Task>;
  private readonly waiters: FetchWaiters;
  private assignment: ReplicaAssignment | null;
  private retentionDueAt: number | null;
  private destroyed = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.limits = resolveLimits(env.EDGELOG_LIMITS);
    const sql = ctx.storage.sql;
    sql.exec(
      "CREATE TABLE IF NOT EXISTS replica_assignment (id INTEGER PRIMARY KEY CHECK (id = 1), assignment TEXT NOT NULL)",
    );
    sql.exec(
      "CREATE TABLE IF NOT EXISTS leader_epochs (leader_epoch INTEGER PRIMARY KEY, start_offset INTEGER NOT NULL)",
    );
    this.log = new PartitionLog(sql);
    this.tasks = new AlarmTasks<Task>(ctx.storage, ["retention"]);
    this.waiters = new FetchWaiters(this.limits.maxWaitersPerReplica);
    const row = sql.exec<{ assignment: string }>("SELECT assignment FROM replica_assignment").toArray()[0];
    this.assignment = row ? (JSON.parse(row.assignment) as ReplicaAssignment) : null;
    this.retentionDueAt = this.tasks.dueAt("retention");
  }

  /** Creates the replica or updates its role, epoch and config. Epochs never go back. */
  async assign(next: ReplicaAssignment): Promise<Result<ReplicaStatus>> {
    if (this.destroyed) return unknownPartition();
    const current = this.assignment;
    if (current) {
      invariant(current.topicId === next.topicId && current.partition === next.partition, "replica identity is fixed");
      if (next.leaderEpoch < current.leaderEpoch) {
        return failure("FENCED_LEADER_EPOCH", `leaderEpoch ${next.leaderEpoch} is older than ${current.leaderEpoch}`);
      }
    }
    this.ctx.storage.sql.exec(
      "INSERT INTO replica_assignment (id, assignment) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET assignment = excluded.assignment",
      JSON.stringify(next),
    );
    if (next.role === "leader" && (!current || next.leaderEpoch > current.leaderEpoch || current.role !== "leader")) {
      this.ctx.storage.sql.exec(
        "INSERT OR IGNORE INTO leader_epochs (leader_epoch, start_offset) VALUES (?, ?)",
        next.leaderEpoch,
        this.log.state.logEndOffset,
      );
    }
    this.assignment = next;
    this.retentionDueAt = null;
    await this.scheduleRetention();
    return { ok: true, ...this.status() };
  }

  async produce(
    request: ProduceRequest,
  ): Promise<Result<{ baseOffset: number; lastOffset: number; rowsWritten: number }>> {
    const leader = this.leaderAssignment();
    if (!leader.ok) return leader;
    const now = Date.now();
    const records: StoredRecord[] = request.records.map((r) => ({ ...r, timestamp: r.timestamp ?? now }));
    const appended = this.ctx.storage.transactionSync(() =>
      this.log.append(records, request.format, leader.assignment.leaderEpoch, this.limits.maxBatchRowBytes),
    );
    this.log.advanceHighWatermark(this.log.state.logEndOffset);
    this.waiters.notify(this.log.state.highWatermark);
    if (this.retentionDueAt === null || this.log.sizeBytes > this.maxLogBytes(leader.assignment.config)) {
      await this.scheduleRetention();
    }
    return { ok: true, ...appended };
  }

  async fetchRecords(request: FetchRequest): Promise<Result<FetchResponse>> {
    const leader = this.leaderAssignment();
    if (!leader.ok) return leader;
    const offset = this.resolveOffset(request.offset);
    const range = this.checkOffset(offset);
    if (!range.ok) return range;
    if (offset >= this.log.state.highWatermark && request.maxWaitMs > 0) {
      await this.waiters.wait(offset, Math.min(request.maxWaitMs, this.limits.maxWaitMs), request.waitKey);
      if (this.destroyed) return unknownPartition();
    }
    const read = this.log.read(offset, request.maxRecords, request.maxBytes, request.encoding);
    const { highWatermark, logStartOffset } = this.log.state;
    return {
      ok: true,
      fetchOffset: offset,
      records: `[${read.records.join(",")}]`,
      recordCount: read.records.length,
      sizeBytes: read.sizeBytes,
      nextOffset: read.nextOffset,
      highWatermark,
      logStartOffset,
    };
  }

  /** Ends the parked fetches of one multi-partition fetch that has already answered. */
  cancelWait(waitKey: string): number {
    return this.waiters.cancel(waitKey);
  }

  /** Kafka ListOffsets: earliest, latest (the highWatermark) or the first offset at or
   * after a timestamp; with no such record, the highWatermark and no timestamp. */
  listOffsets(at: "earliest" | "latest" | number): Result<{ offset: number; timestamp?: number }> {
    const leader = this.leaderAssignment();
    if (!leader.ok) return leader;
    if (typeof at !== "number") return { ok: true, offset: this.resolveOffset(at) };
    const found = this.log.offsetForTimestamp(at);
    return found ? { ok: true, ...found } : { ok: true, offset: this.log.state.highWatermark };
  }

  describe(): Result<ReplicaStatus> {
    if (this.destroyed || !this.assignment) return unknownPartition();
    return { ok: true, ...this.status() };
  }

  /** Drops all state: the topic was deleted. Parked fetches are woken and refused. */
  async destroy(): Promise<{ ok: true }> {
    this.destroyed = true;
    this.assignment = null;
    this.waiters.releaseAll();
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    return { ok: true };
  }

  override async alarm(): Promise<void> {
    if (this.destroyed || !this.assignment) return;
    const now = Date.now();
    for (const task of this.tasks.takeDue(now)) {
      if (task === "retention") this.runRetention(now, this.assignment.config);
    }
    this.retentionDueAt = null;
    await this.scheduleRetention();
    await this.tasks.arm();
  }

  private runRetention(nowMs: number, config: ReplicaConfig): void {
    const deleteBefore = config.retentionMs < 0 ? Number.NEGATIVE_INFINITY : nowMs - config.retentionMs;
    this.ctx.storage.transactionSync(() =>
      this.log.truncateHead(deleteBefore, this.maxLogBytes(config), RETENTION_BATCHES_PER_RUN),
    );
  }

  /** Schedules the next retention run: now when the log is over its size limit, else
   * when its oldest batch expires. */
  private async scheduleRetention(): Promise<void> {
    const config = this.assignment?.config;
    if (!config) return;
    const now = Date.now();
    let due: number | null = null;
    if (this.log.sizeBytes > this.maxLogBytes(config)) due = now;
    else if (config.retentionMs >= 0) {
      const oldest = this.log.oldestBatchTimestamp();
      if (oldest !== null) due = Math.max(now, oldest + config.retentionMs);
    }
    if (due === null) return;
    await this.tasks.schedule("retention", due);
    this.retentionDueAt = this.tasks.dueAt("retention");
  }

  private maxLogBytes(config: ReplicaConfig): number {
    return config.retentionBytes < 0
      ? this.limits.maxReplicaBytes
      : Math.min(config.retentionBytes, this.limits.maxReplicaBytes);
  }

  private leaderAssignment(): Result<{ assignment: ReplicaAssignment }> {
    if (this.destroyed || !this.assignment) return unknownPartition();
    if (this.assignment.role !== "leader") {
      return failure("NOT_LEADER_OR_FOLLOWER", "this replica is not the partition leader");
    }
    return { ok: true, assignment: this.assignment };
  }

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
    invariant(this.assignment, "status of an unassigned replica");
    return {
      role: this.assignment.role,
      leaderEpoch: this.assignment.leaderEpoch,
      ...this.log.state,
      sizeBytes: this.log.sizeBytes,
    };
  }
}

function unknownPartition(): { ok: false; error: { code: "UNKNOWN_TOPIC_OR_PARTITION"; message: string } } {
  return { ok: false, error: { code: "UNKNOWN_TOPIC_OR_PARTITION", message: "this partition does not exist" } };
}

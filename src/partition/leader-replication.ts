// The leader's side of replication: push batches to the in-sync followers in parallel,
// keep highWatermark = min logEndOffset over the ISR, answer acks=all once it covers a
// batch, commit the logStartOffset retention chose once the ISR holds it, and ask the
// controller to shrink or expand the ISR (Kafka's AlterPartition).
//
// Why the logStartOffset is committed like the highWatermark: a leader that deleted
// records and served the new start, then crashed, must not be followed by one that
// serves the deleted records again. So retention only raises the leader's pending
// logStartOffset; pushes carry it and followers hold it (durably) before the leader
// deletes, and only then does any replica serve the new start (followers learn it from
// the next push, as they learn the highWatermark). Every start a replica ever served was
// therefore held by the whole ISR first, and a newly elected leader serves nothing
// until it has committed the pending start it holds (see logStartOffsetConfirmed).

import type { TimerClock } from "../common/clock.js";
import { invariant } from "../common/invariant.js";
import { sleep, withTimeout } from "../common/timeout.js";
import { type ErrorData, failure, type Result } from "../protocol/errors.js";
import type { Limits } from "../protocol/limits.js";
import { CommitWaiters } from "./commit-waiters.js";
import type { Compaction } from "./compaction.js";
import { type FollowerLink, newFollowerLink } from "./follower-link.js";
import type { PartitionLog } from "./partition-log.js";
import type { PartitionReplica } from "./partition-replica.js";
import type { ReplicaAssignment, ReplicaFetchRequest, ReplicaFetchResponse } from "./replica-types.js";

type ReplicaStub = DurableObjectStub<PartitionReplica>;

export interface LeaderHost {
  readonly log: PartitionLog;
  readonly limits: Limits;
  /** When followers last caught up (replicaLagTimeMs), and the retry and ack timers. */
  readonly clock: TimerClock;
  assignment(): ReplicaAssignment;
  replicaStub(replica: number): ReplicaStub;
  /** Asks the controller for a new ISR; true once its answer is applied, false when
   * the outcome is unknown (no answer in time). */
  alterIsr(isr: number[]): Promise<boolean>;
  highWatermarkAdvanced(): void;
  /** Moves the log's start to `offset`, which the whole ISR holds. */
  commitLogStartOffset(offset: number): void;
  /** Its passes are committed like the logStartOffset: once the whole ISR holds them. */
  readonly compaction: Compaction;
  /** A follower answered with a newer leaderEpoch: this replica is no longer leader. */
  fenced(): void;
  /** Throws when a fault makes other objects unreachable from here. */
  outgoing(): Promise<void>;
}

/** Replication calls one sync loop makes before yielding to the next kick. */
const MAX_ROUNDS_PER_SYNC = 64;
const MAX_BATCHES_PER_CALL = 1_000;
/** Event-loop turns a push waits at most for more batches to join it. */
const MAX_GATHER_TURNS = 4;
const RETRY_MS = 500;

export class LeaderReplication {
  private readonly links = new Map<number, FollowerLink>();
  private readonly commitWaiters: CommitWaiters;
  /** Replicas an expansion may have added at the controller without this leader
   * knowing yet (request in flight, or its answer lost): Kafka's "maximal ISR". The
   * highWatermark waits for them too, so a follower the controller might elect never
   * misses a committed record. */
  private readonly maybeInIsr = new Set<number>();
  private alteringIsr = false;
  private stopped = false;
  /** The pending logStartOffset this replica held when elected: a leader before it may
   * have served up to it, so this one serves nothing until its start reaches it. */
  private readonly servingFloor: number;

  constructor(private readonly host: LeaderHost) {
    const now = host.clock.now();
    this.commitWaiters = new CommitWaiters(host.clock, host.limits.ackTimeoutMs);
    this.servingFloor = Math.min(host.log.pendingLogStartOffset, host.log.state.logEndOffset);
    const { state, replica } = host.assignment();
    for (const r of state.replicas) {
      if (r === replica) continue;
      this.links.set(r, newFollowerLink(r, now));
    }
  }

  /** What this leader knows of its followers (for the chaos test's diagnostics). */
  debugState(): string {
    const links = [...this.links.values()].map((l) => `${l.replica}:${l.knownLogEndOffset}/${l.syncing}`);
    return `altering=${this.alteringIsr} stopped=${this.stopped} links=${links.join(",")}`;
  }

  /** Ends this leadership: pending acks=all answers fail with `error`. */
  stop(error: ErrorData): void {
    this.stopped = true;
    for (const link of this.links.values()) link.cancelRetry?.();
    this.commitWaiters.failAll(error);
  }

  /** Resolves once the highWatermark passes `lastOffset`, or with the reason it won't. */
  awaitCommit(lastOffset: number): Promise<Result<object>> {
    if (this.host.log.state.highWatermark > lastOffset) return Promise.resolve({ ok: true });
    return this.commitWaiters.wait(lastOffset);
  }

  /** Whether this leadership may serve reads: its logStartOffset reached the start a
   * previous leader may have served (Kafka answers OFFSET_NOT_AVAILABLE meanwhile). */
  logStartOffsetConfirmed(): boolean {
    return this.host.log.state.logStartOffset >= this.servingFloor;
  }

  /** New records, a new ISR or a new pending logStartOffset: bring every in-sync
   * follower up to date. */
  kick(): void {
    if (this.stopped) return;
    this.syncAll();
    this.checkLag();
    this.recomputeHighWatermark();
    this.recomputeCommitted();
  }

  private syncAll(): void {
    const { isr } = this.host.assignment().state;
    for (const link of this.links.values()) if (isr.includes(link.replica)) void this.sync(link);
  }

  /** The ISR changed (AlterPartition applied): the highWatermark is over a new set. */
  isrChanged(): void {
    const { state, config } = this.host.assignment();
    if (state.isr.length < config.minInsyncReplicas) {
      const { error } = failure(
        "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
        `the ISR shrank to ${state.isr.length}, below minInsyncReplicas ${config.minInsyncReplicas}`,
      );
      this.commitWaiters.failAll(error);
    }
    this.kick();
  }

  /** A follower pulling to catch up (Kafka's replica fetch). */
  async replicaFetch(request: ReplicaFetchRequest): Promise<ReplicaFetchResponse> {
    const { log } = this.host;
    const link = this.links.get(request.replica);
    invariant(link, `replica ${request.replica} belongs to this partition`);
    // A follower whose log ends below the logStartOffset starts again at it (below it
    // there is nothing left to compare).
    const belowStart = request.fromOffset < log.state.logStartOffset;
    if (!belowStart && !log.continuesAt(request.fromOffset, request.prevEpoch)) {
      const { leaderEpoch, endOffset } = log.epochs.endOffsetFor(request.lastEpoch);
      return { diverged: true, epoch: leaderEpoch, endOffset };
    }
    link.knownLogEndOffset = request.fromOffset;
    link.knownPendingLogStartOffset = request.pendingLogStartOffset;
    link.knownCompactionSeq = request.compactionSeq;
    if (request.fromOffset >= log.state.logEndOffset) link.lastCaughtUpMs = this.host.clock.now();
    const { isr } = this.host.assignment().state;
    const inIsr = isr.includes(request.replica);
    // A new ISR member could be elected at once: it must already hold every start
    // served so far, by this leader or (up to its floor) by one before it.
    const served = Math.max(log.state.logStartOffset, this.servingFloor);
    const joinable = request.fromOffset >= log.state.highWatermark && request.pendingLogStartOffset >= served;
    if (!inIsr && joinable) await this.requestIsr([...isr, request.replica]);
    this.recomputeHighWatermark();
    this.recomputeCommitted();
    const from = Math.max(request.fromOffset, log.state.logStartOffset);
    const batches = log.batchesFrom(from, this.host.limits.maxReplicationBytes, MAX_BATCHES_PER_CALL);
    return {
      diverged: false,
      batches,
      highWatermark: log.state.highWatermark,
      logStartOffset: log.state.logStartOffset,
      pendingLogStartOffset: log.pendingLogStartOffset,
      logEndOffset: log.state.logEndOffset,
      inIsr: this.host.assignment().state.isr.includes(request.replica),
      compaction: this.host.compaction.syncFor(request.compactionSeq),
    };
  }

  private async sync(link: FollowerLink): Promise<void> {
    if (link.syncing || this.stopped) return;
    link.syncing = true;
    let failed = false;
    try {
      for (let round = 0; round < MAX_ROUNDS_PER_SYNC && this.needsSync(link); round++) {
        await this.gather();
        await this.host.outgoing();
        await this.replicateOnce(link);
        if (this.stopped) return;
        this.checkLag();
        this.recomputeHighWatermark();
        this.recomputeCommitted();
      }
    } catch (e) {
      failed = true;
      link.stub = null;
      link.knownLogEndOffset = null;
      if (!this.stopped) await this.followerFailed(link, e);
    } finally {
      link.syncing = false;
    }
    // After a failure only the retry timer tries again, so a dead follower is not
    // hammered; otherwise records that arrived during the last call go out now.
    if (!failed && this.needsSync(link) && !this.stopped) void this.sync(link);
  }

  /** Lets the produces already queued append first, so that their batches go in the
   * next call (one RPC, one transaction on the follower): one turn of the event loop,
   * and more while each turn brought new batches, at most MAX_GATHER_TURNS. */
  private async gather(): Promise<void> {
    for (let turn = 0; turn < MAX_GATHER_TURNS; turn++) {
      const logEndOffset = this.host.log.state.logEndOffset;
      await sleep(0);
      if (this.stopped || this.host.log.state.logEndOffset === logEndOffset) return;
    }
  }

  private needsSync(link: FollowerLink): boolean {
    const { state, config } = this.host.assignment();
    if (!state.isr.includes(link.replica)) return false;
    const { log } = this.host;
    const { logEndOffset, highWatermark, logStartOffset } = log.state;
    if (link.knownLogEndOffset !== logEndOffset) return true;
    // Retention: the follower must hold the pending start before the leader commits
    // it, and learn the commit to delete below it.
    if ((link.knownPendingLogStartOffset ?? -1) < log.pendingLogStartOffset) return true;
    if (link.sentLogStartOffset < logStartOffset) return true;
    const { compaction } = this.host;
    if ((link.knownCompactionSeq ?? 0) < compaction.lastSeq()) return true;
    if (link.sentCommittedSeq < compaction.state.committedSeq) return true;
    // Followers learn the highWatermark only from pushes; follower fetch needs it fresh.
    return config.followerFetch && link.sentHighWatermark < highWatermark;
  }

  private async replicateOnce(link: FollowerLink): Promise<void> {
    const { log, limits } = this.host;
    const { state, replica } = this.host.assignment();
    const stub = link.stub ?? this.host.replicaStub(link.replica);
    link.stub = stub;
    // A follower that ends below the logStartOffset starts again at it.
    const fromOffset = Math.max(link.knownLogEndOffset ?? log.state.logEndOffset, log.state.logStartOffset);
    const batches = log.batchesFrom(fromOffset, limits.maxReplicationBytes, MAX_BATCHES_PER_CALL);
    const sentEnd = batches.at(-1) ? batches.at(-1)!.lastOffset + 1 : fromOffset;
    const { highWatermark, logStartOffset, logEndOffset: leaderEnd } = log.state;
    const pendingLogStartOffset = log.pendingLogStartOffset;
    const compaction = this.host.compaction.syncFor(link.knownCompactionSeq);
    const answer = await withTimeout(
      async () =>
        await stub.replicate({
          leaderEpoch: state.leaderEpoch,
          leader: replica,
          fromOffset,
          prevEpoch: log.epochAt(fromOffset - 1),
          batches,
          highWatermark,
          logStartOffset,
          pendingLogStartOffset,
          compaction,
        }),
      limits.peerTimeoutMs,
      `replicate to replica ${link.replica}`,
    );
    // This leadership may have ended while the call was out: its answer changes nothing.
    if (this.stopped) return;
    if (!answer.ok) {
      if (answer.error.code === "FENCED_LEADER_EPOCH") {
        this.host.fenced();
        return;
      }
      throw new Error(`replica ${link.replica} refused replication: ${answer.error.message}`);
    }
    // Matched or not, the follower applied the logStartOffsets before comparing logs.
    link.knownPendingLogStartOffset = answer.pendingLogStartOffset;
    link.sentLogStartOffset = logStartOffset;
    link.knownCompactionSeq = answer.compactionSeq;
    link.sentCommittedSeq = compaction.committedSeq;
    if (!answer.matched) {
      // KIP-279: the leader's end of the follower's last epoch bounds the common prefix.
      const { leaderEpoch: epoch, endOffset } = log.epochs.endOffsetFor(answer.lastEpoch);
      const truncated = await withTimeout(
        async () => await stub.truncate({ leaderEpoch: state.leaderEpoch, epoch, endOffset }),
        limits.peerTimeoutMs,
        `truncate replica ${link.replica}`,
      );
      if (this.stopped) return;
      if (!truncated.ok) throw new Error(`replica ${link.replica} refused truncation: ${truncated.error.message}`);
      link.knownLogEndOffset = truncated.logEndOffset;
      return;
    }
    invariant(answer.logEndOffset === sentEnd, `follower at ${answer.logEndOffset} after a push ending at ${sentEnd}`);
    link.knownLogEndOffset = answer.logEndOffset;
    link.sentHighWatermark = highWatermark;
    // Caught up as Kafka counts it: to the leader's logEndOffset when the push left, so
    // that appends during the call do not make a follower that keeps up look lagging.
    if (answer.logEndOffset >= leaderEnd) link.lastCaughtUpMs = this.host.clock.now();
  }

  /** A push failed: the follower leaves the ISR (it will catch up by pulling); while
   * the controller cannot be reached either, try again later. */
  private async followerFailed(link: FollowerLink, cause: unknown): Promise<void> {
    const { isr } = this.host.assignment().state;
    if (!isr.includes(link.replica)) return;
    console.warn(`replica ${link.replica} failed: ${String(cause)}`);
    await this.requestIsr(isr.filter((r) => r !== link.replica)).catch(() => undefined);
    if (this.host.assignment().state.isr.includes(link.replica) && !this.stopped) {
      link.cancelRetry ??= this.host.clock.setTimeout(() => {
        link.cancelRetry = null;
        this.kick();
      }, RETRY_MS);
    }
  }

  /** Followers that have not caught up for replicaLagTimeMs leave the ISR. */
  private checkLag(): void {
    const { state, config } = this.host.assignment();
    const now = this.host.clock.now();
    const lagging = [...this.links.values()].filter(
      (l) => state.isr.includes(l.replica) && now - l.lastCaughtUpMs > config.replicaLagTimeMs,
    );
    if (lagging.length === 0) return;
    void this.requestIsr(state.isr.filter((r) => !lagging.some((l) => l.replica === r))).catch(() => undefined);
  }

  /** One AlterPartition at a time, as Kafka's leader keeps at most one pending. */
  private async requestIsr(isr: number[]): Promise<void> {
    if (this.alteringIsr || this.stopped) return;
    this.alteringIsr = true;
    const current = this.host.assignment().state.isr;
    for (const r of isr) if (!current.includes(r)) this.maybeInIsr.add(r);
    try {
      // A definitive answer carries the controller's ISR, adopted by the host.
      if (await this.host.alterIsr([...new Set(isr)].sort((a, b) => a - b))) this.maybeInIsr.clear();
    } finally {
      this.alteringIsr = false;
    }
  }

  /** highWatermark = min logEndOffset over the ISR; a follower not yet confirmed in
   * this epoch holds it where it is. */
  private recomputeHighWatermark(): void {
    if (this.stopped) return;
    const { log } = this.host;
    const { config } = this.host.assignment();
    const candidate = this.isrMinimum(log.state.logEndOffset, (l) => l.knownLogEndOffset, log.state.highWatermark);
    if (!log.advanceHighWatermark(candidate)) return;
    this.host.highWatermarkAdvanced();
    // Follower fetch serves the followers' highWatermark: tell the ones whose push loop
    // ended before this move, not only the one whose answer made it.
    if (config.followerFetch) this.syncAll();
    this.commitWaiters.covered(log.state.highWatermark);
  }

  /** What the whole ISR holds is committed: the logStartOffset and compaction passes. */
  private recomputeCommitted(): void {
    this.recomputeLogStartOffset();
    this.recomputeCompaction();
  }

  /** The last compaction pass every ISR member stores is committed; followers learn it
   * from the next push. */
  private recomputeCompaction(): void {
    const { compaction } = this.host;
    const { committedSeq } = compaction.state;
    if (this.stopped || compaction.lastSeq() === committedSeq) return;
    const candidate = this.isrMinimum(compaction.lastSeq(), (l) => l.knownCompactionSeq, committedSeq);
    if (candidate <= committedSeq) return;
    compaction.commit(candidate);
    this.syncAll();
  }

  /** logStartOffset = min pending logStartOffset held over the ISR, never above the
   * highWatermark (only committed records are deleted); a follower not yet confirmed
   * holds it where it is. */
  private recomputeLogStartOffset(): void {
    if (this.stopped) return;
    const { log } = this.host;
    const own = Math.min(log.pendingLogStartOffset, log.state.highWatermark);
    const candidate = this.isrMinimum(own, (l) => l.knownPendingLogStartOffset, log.state.logStartOffset);
    if (candidate <= log.state.logStartOffset) return;
    this.host.commitLogStartOffset(candidate);
    this.syncAll();
  }

  /** The least of `own` and what each other member of the ISR (and maybe-ISR) is known
   * to have, `unknown` for a follower not yet confirmed in this epoch. */
  private isrMinimum(own: number, known: (link: FollowerLink) => number | null, unknown: number): number {
    const { state, replica } = this.host.assignment();
    let least = own;
    for (const r of new Set([...state.isr, ...this.maybeInIsr])) {
      if (r === replica) continue;
      const link = this.links.get(r);
      least = Math.min(least, (link ? known(link) : null) ?? unknown);
    }
    return least;
  }
}

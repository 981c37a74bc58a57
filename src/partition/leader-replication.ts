// The leader's side of replication: push batches to the in-sync followers in parallel,
// keep highWatermark = min logEndOffset over the ISR, answer acks=all once it covers a
// batch, and ask the controller to shrink or expand the ISR (Kafka's AlterPartition).

import { invariant } from "../common/invariant.js";
import { withTimeout } from "../common/timeout.js";
import { type ErrorData, failure, type Result } from "../protocol/errors.js";
import type { Limits } from "../protocol/limits.js";
import type { PartitionLog } from "./partition-log.js";
import type { PartitionReplica } from "./partition-replica.js";
import type { FollowerFetchRequest, FollowerFetchResponse, ReplicaAssignment } from "./replica-types.js";

type ReplicaStub = DurableObjectStub<PartitionReplica>;

export interface LeaderHost {
  readonly log: PartitionLog;
  readonly limits: Limits;
  assignment(): ReplicaAssignment;
  replicaStub(replica: number): ReplicaStub;
  /** Asks the controller for a new ISR; true once its answer is applied, false when
   * the outcome is unknown (no answer in time). */
  alterIsr(isr: number[]): Promise<boolean>;
  highWatermarkAdvanced(): void;
  /** A follower answered with a newer leaderEpoch: this replica is no longer leader. */
  fenced(): void;
  /** Throws when a fault makes other objects unreachable from here. */
  outgoing(): Promise<void>;
}

interface FollowerLink {
  replica: number;
  stub: ReplicaStub | null;
  /** The follower's logEndOffset as confirmed in this leader epoch; null until known. */
  knownLogEndOffset: number | null;
  sentHighWatermark: number;
  lastCaughtUpMs: number;
  syncing: boolean;
  retryTimer: ReturnType<typeof setTimeout> | null;
}

interface CommitWaiter {
  lastOffset: number;
  resolve: (result: Result<object>) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Replication calls one sync loop makes before yielding to the next kick. */
const MAX_ROUNDS_PER_SYNC = 64;
const MAX_BATCHES_PER_CALL = 1_000;
const RETRY_MS = 500;

export class LeaderReplication {
  private readonly links = new Map<number, FollowerLink>();
  private readonly commitWaiters = new Set<CommitWaiter>();
  /** Replicas an expansion may have added at the controller without this leader
   * knowing yet (request in flight, or its answer lost): Kafka's "maximal ISR". The
   * highWatermark waits for them too, so a follower the controller might elect never
   * misses a committed record. */
  private readonly maybeInIsr = new Set<number>();
  private alteringIsr = false;
  private stopped = false;

  constructor(private readonly host: LeaderHost) {
    const now = Date.now();
    const { state, replica } = host.assignment();
    for (const r of state.replicas) {
      if (r === replica) continue;
      this.links.set(r, {
        replica: r,
        stub: null,
        knownLogEndOffset: null,
        sentHighWatermark: -1,
        lastCaughtUpMs: now,
        syncing: false,
        retryTimer: null,
      });
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
    for (const link of this.links.values()) if (link.retryTimer) clearTimeout(link.retryTimer);
    for (const waiter of this.commitWaiters) this.settle(waiter, { ok: false, error });
  }

  /** Resolves once the highWatermark passes `lastOffset`, or with the reason it won't. */
  awaitCommit(lastOffset: number): Promise<Result<object>> {
    if (this.host.log.state.highWatermark > lastOffset) return Promise.resolve({ ok: true });
    return new Promise((resolve) => {
      const waiter: CommitWaiter = {
        lastOffset,
        resolve,
        timer: setTimeout(
          () =>
            this.settle(waiter, failure("REQUEST_TIMED_OUT", `the ISR did not replicate offset ${lastOffset} in time`)),
          this.host.limits.ackTimeoutMs,
        ),
      };
      this.commitWaiters.add(waiter);
    });
  }

  /** New records or a new ISR: bring every in-sync follower up to date. */
  kick(): void {
    if (this.stopped) return;
    const { isr } = this.host.assignment().state;
    for (const link of this.links.values()) if (isr.includes(link.replica)) void this.sync(link);
    this.checkLag();
    this.recomputeHighWatermark();
  }

  /** The ISR changed (AlterPartition applied): the highWatermark is over a new set. */
  isrChanged(): void {
    const { state, config } = this.host.assignment();
    if (state.isr.length < config.minInsyncReplicas) {
      const error = failure(
        "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
        `the ISR shrank to ${state.isr.length}, below minInsyncReplicas ${config.minInsyncReplicas}`,
      );
      for (const waiter of this.commitWaiters) this.settle(waiter, error);
    }
    this.kick();
  }

  /** A follower pulling to catch up (Kafka's replica fetch). */
  async followerFetch(request: FollowerFetchRequest): Promise<FollowerFetchResponse> {
    const { log } = this.host;
    const link = this.links.get(request.replica);
    invariant(link, `replica ${request.replica} belongs to this partition`);
    if (!log.continuesAt(request.fromOffset, request.prevEpoch)) {
      const { leaderEpoch, endOffset } = log.endOffsetForEpoch(request.lastEpoch);
      return { diverged: true, epoch: leaderEpoch, endOffset };
    }
    link.knownLogEndOffset = request.fromOffset;
    if (request.fromOffset >= log.state.logEndOffset) link.lastCaughtUpMs = Date.now();
    const { isr } = this.host.assignment().state;
    const inIsr = isr.includes(request.replica);
    if (!inIsr && request.fromOffset >= log.state.highWatermark) await this.requestIsr([...isr, request.replica]);
    this.recomputeHighWatermark();
    const batches = log.batchesFrom(request.fromOffset, this.host.limits.maxReplicationBytes, MAX_BATCHES_PER_CALL);
    return {
      diverged: false,
      batches,
      highWatermark: log.state.highWatermark,
      logEndOffset: log.state.logEndOffset,
      inIsr: this.host.assignment().state.isr.includes(request.replica),
    };
  }

  private async sync(link: FollowerLink): Promise<void> {
    if (link.syncing || this.stopped) return;
    link.syncing = true;
    let failed = false;
    try {
      for (let round = 0; round < MAX_ROUNDS_PER_SYNC && this.needsSync(link); round++) {
        await this.host.outgoing();
        await this.replicateOnce(link);
        if (this.stopped) return;
        this.checkLag();
        this.recomputeHighWatermark();
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

  private needsSync(link: FollowerLink): boolean {
    const { state, config } = this.host.assignment();
    if (!state.isr.includes(link.replica)) return false;
    const { logEndOffset, highWatermark } = this.host.log.state;
    if (link.knownLogEndOffset !== logEndOffset) return true;
    // Followers learn the highWatermark only from pushes; follower fetch needs it fresh.
    return config.followerFetch && link.sentHighWatermark < highWatermark;
  }

  private async replicateOnce(link: FollowerLink): Promise<void> {
    const { log, limits } = this.host;
    const { state, replica } = this.host.assignment();
    const stub = link.stub ?? this.host.replicaStub(link.replica);
    link.stub = stub;
    const fromOffset = link.knownLogEndOffset ?? log.state.logEndOffset;
    const batches = log.batchesFrom(fromOffset, limits.maxReplicationBytes, MAX_BATCHES_PER_CALL);
    const sentEnd = batches.at(-1) ? batches.at(-1)!.lastOffset + 1 : fromOffset;
    const highWatermark = log.state.highWatermark;
    const answer = await withTimeout(
      async () =>
        await stub.replicate({
          leaderEpoch: state.leaderEpoch,
          leader: replica,
          fromOffset,
          prevEpoch: log.epochAt(fromOffset - 1),
          batches,
          highWatermark,
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
    if (!answer.matched) {
      // KIP-279: the leader's end of the follower's last epoch bounds the common prefix.
      const { leaderEpoch: epoch, endOffset } = log.endOffsetForEpoch(answer.lastEpoch);
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
    if (answer.logEndOffset >= log.state.logEndOffset) link.lastCaughtUpMs = Date.now();
  }

  /** A push failed: the follower leaves the ISR (it will catch up by pulling); while
   * the controller cannot be reached either, try again later. */
  private async followerFailed(link: FollowerLink, cause: unknown): Promise<void> {
    const { isr } = this.host.assignment().state;
    if (!isr.includes(link.replica)) return;
    console.warn(`replica ${link.replica} failed: ${String(cause)}`);
    await this.requestIsr(isr.filter((r) => r !== link.replica)).catch(() => undefined);
    if (this.host.assignment().state.isr.includes(link.replica) && !this.stopped) {
      link.retryTimer ??= setTimeout(() => {
        link.retryTimer = null;
        this.kick();
      }, RETRY_MS);
    }
  }

  /** Followers that have not caught up for replicaLagTimeMs leave the ISR. */
  private checkLag(): void {
    const { state, config } = this.host.assignment();
    const now = Date.now();
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
    const { state, replica } = this.host.assignment();
    let candidate = log.state.logEndOffset;
    for (const r of new Set([...state.isr, ...this.maybeInIsr])) {
      if (r === replica) continue;
      candidate = Math.min(candidate, this.links.get(r)?.knownLogEndOffset ?? log.state.highWatermark);
    }
    const replicated = state.replicas.length > 1;
    if (!log.advanceHighWatermark(candidate, replicated)) return;
    this.host.highWatermarkAdvanced();
    for (const waiter of this.commitWaiters) {
      if (waiter.lastOffset < log.state.highWatermark) this.settle(waiter, { ok: true });
    }
  }

  private settle(waiter: CommitWaiter, result: Result<object>): void {
    if (!this.commitWaiters.delete(waiter)) return;
    clearTimeout(waiter.timer);
    waiter.resolve(result);
  }
}

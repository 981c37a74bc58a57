// The follower's side of replication: accept a leader's pushes where they continue this
// log, truncate a diverged suffix when the leader says so, learn the leader's
// logStartOffsets, and pull from the leader to catch up (Kafka's replica fetch) when
// out of the ISR. Beside leader-replication.ts, which is the other end of each call.

import type { Clock } from "../common/clock.js";
import { withTimeout } from "../common/timeout.js";
import { type Failure, failure, type Result } from "../protocol/errors.js";
import type { Limits } from "../protocol/limits.js";
import type { Compaction } from "./compaction.js";
import type { PartitionLog, ReplicatedBatch } from "./partition-log.js";
import type { PartitionReplica } from "./partition-replica.js";
import { unknownPartition } from "./replica-answers.js";
import { isLeader } from "./replica-role.js";
import type {
  ReplicaAssignment,
  ReplicaFetchResponse,
  ReplicateRequest,
  ReplicateResponse,
  TruncateRequest,
} from "./replica-types.js";

/** Pull rounds of one catch-up run before it yields to the next alarm. */
const CATCH_UP_ROUNDS = 32;

export interface FollowerHost {
  readonly limits: Limits;
  readonly clock: Clock;
  log(): PartitionLog;
  /** The current assignment; null once destroyed or before the first. */
  assignment(): ReplicaAssignment | null;
  /** One atomic write to the log (see PartitionReplica.writeSync). */
  writeSync<T>(write: () => T): T;
  highWatermarkAdvanced(): void;
  /** Accepts a leader at `leaderEpoch` (adopting a newer one), or refuses it. */
  followLeader(leaderEpoch: number, leader: number): Failure | null;
  /** Asks the controller what this replica is now. */
  refreshAssignment(): Promise<void>;
  replicaStub(replica: number): DurableObjectStub<PartitionReplica>;
  /** Throws when a fault makes other objects unreachable from here. */
  outgoing(): Promise<void>;
  scheduleCatchUp(dueAtMs: number): Promise<void>;
  compaction(): Compaction;
}

export class FollowerReplication {
  constructor(private readonly host: FollowerHost) {}

  /** A leader's push. Accepted only from the current (or a newer) leaderEpoch, and only
   * where it continues this log; else the leader learns where the logs diverge. */
  replicate(request: ReplicateRequest): Result<ReplicateResponse> {
    const fenced = this.host.followLeader(request.leaderEpoch, request.leader);
    if (fenced) return fenced;
    this.learnLogStartOffsets(request.logStartOffset, request.pendingLogStartOffset);
    const compactionSeq = this.host.compaction().learn(request.compaction);
    const log = this.host.log();
    const { logEndOffset } = log.state;
    const pendingLogStartOffset = log.pendingLogStartOffset;
    if (request.fromOffset !== logEndOffset || !log.continuesAt(request.fromOffset, request.prevEpoch)) {
      const lastEpoch = log.epochs.latest();
      return { ok: true, matched: false, logEndOffset, lastEpoch, pendingLogStartOffset, compactionSeq };
    }
    this.host.writeSync(() => {
      log.appendReplicated(request.batches);
      log.advanceHighWatermark(request.highWatermark);
    });
    this.host.highWatermarkAdvanced();
    this.host.compaction().appended();
    return { ok: true, matched: true, logEndOffset: log.state.logEndOffset, pendingLogStartOffset, compactionSeq };
  }

  /** Drops this follower's diverged suffix (KIP-101/279): to the smaller of the
   * leader's end of `epoch` and this log's own end of it. */
  truncate(request: TruncateRequest): Result<{ logEndOffset: number }> {
    const current = this.host.assignment();
    if (!current) return unknownPartition();
    // Only the leader this replica already follows may truncate it (its push came first).
    if (request.leaderEpoch !== current.state.leaderEpoch || isLeader(current)) {
      return failure(
        "FENCED_LEADER_EPOCH",
        `truncate at leaderEpoch ${request.leaderEpoch}, here ${current.state.leaderEpoch}`,
      );
    }
    const log = this.host.log();
    const own = log.epochs.endOffsetFor(request.epoch).endOffset;
    const logEndOffset = this.host.writeSync(() => log.truncateTo(Math.min(request.endOffset, own)));
    return { ok: true, logEndOffset };
  }

  /** A follower pulls from its leader until it has all the leader has, then keeps
   * pulling at catchUpIntervalMs while the leader says it is not in the ISR. */
  async catchUp(): Promise<void> {
    for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
      const known = this.host.assignment();
      if (known && known.state.leader < 0) await this.host.refreshAssignment().catch(() => undefined);
      const assignment = this.host.assignment();
      if (!assignment || isLeader(assignment)) return;
      if (assignment.state.leader < 0) break;
      const step = await this.pullOnce(assignment);
      if (step === "stop") break;
      if (step === "done") return;
    }
    await this.host.scheduleCatchUp(this.host.clock.now() + this.host.limits.catchUpIntervalMs);
  }

  /** One replica fetch: "more" to pull again, "done" when in the ISR with nothing
   * left, "stop" to try again at the next interval. */
  private async pullOnce(assignment: ReplicaAssignment): Promise<"more" | "done" | "stop"> {
    const askedLogEndOffset = this.host.log().state.logEndOffset;
    let answer: Result<ReplicaFetchResponse>;
    try {
      await this.host.outgoing();
      const leader = this.host.replicaStub(assignment.state.leader);
      const log = this.host.log();
      answer = await withTimeout(
        async () =>
          await leader.fetchForReplica({
            replica: assignment.replica,
            leaderEpoch: assignment.state.leaderEpoch,
            fromOffset: log.state.logEndOffset,
            prevEpoch: log.epochAt(log.state.logEndOffset - 1),
            lastEpoch: log.epochs.latest(),
            pendingLogStartOffset: log.pendingLogStartOffset,
            compactionSeq: this.host.compaction().lastSeq(),
          }),
        this.host.limits.peerTimeoutMs,
        "replica fetch",
      );
    } catch {
      return "stop";
    }
    if (!answer.ok) {
      // The leader moved or this replica's epoch is stale: ask the controller.
      await this.host.refreshAssignment().catch(() => undefined);
      return "stop";
    }
    // While the answer was on its way this replica may have been elected, or its log
    // changed by a push: an answer about the old state must not touch the new one.
    const now = this.host.assignment()?.state;
    const current = this.host.log();
    const unchanged =
      now?.leader === assignment.state.leader &&
      now.leaderEpoch === assignment.state.leaderEpoch &&
      current.state.logEndOffset === askedLogEndOffset;
    if (!unchanged) return "more";
    if (answer.diverged) {
      const truncateTo = Math.min(answer.endOffset, current.epochs.endOffsetFor(answer.epoch).endOffset);
      this.host.writeSync(() => current.truncateTo(truncateTo));
      return "more";
    }
    this.learnLogStartOffsets(answer.logStartOffset, answer.pendingLogStartOffset);
    this.host.compaction().learn(answer.compaction);
    this.applyPulled(answer.batches, answer.highWatermark);
    if (answer.batches.length > 0) return "more";
    return answer.inIsr ? "done" : "stop";
  }

  /** A follower learns the leader's logStartOffsets (KIP-107): it holds the pending
   * one, so that it never serves below it if elected, and deletes below the committed
   * one. A log ending below that start is emptied and continues from it. */
  learnLogStartOffsets(logStartOffset: number, pendingLogStartOffset: number): void {
    const log = this.host.log();
    if (pendingLogStartOffset <= log.pendingLogStartOffset && logStartOffset <= log.state.logStartOffset) return;
    this.host.writeSync(() => {
      log.holdLogStartOffset(pendingLogStartOffset);
      log.advanceLogStartOffset(logStartOffset);
    });
    this.host.highWatermarkAdvanced();
  }

  /** Pulled batches may overlap what a push already brought: only the rest is new. */
  private applyPulled(batches: readonly ReplicatedBatch[], highWatermark: number): void {
    const log = this.host.log();
    const fresh = batches.filter((b) => b.baseOffset >= log.state.logEndOffset);
    if (fresh.length > 0 && fresh[0]!.baseOffset !== log.state.logEndOffset) return;
    this.host.writeSync(() => {
      log.appendReplicated(fresh);
      log.advanceHighWatermark(highWatermark);
    });
    this.host.highWatermarkAdvanced();
    this.host.compaction().appended();
  }
}

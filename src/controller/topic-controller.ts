// The controller of one topic: a Durable Object named `controller/<topicId>` that owns
// the topic's config and, per partition, replicas, leader, leaderEpoch, isr and
// partitionEpoch (Kafka's KRaft controller, one per topic): it elects leaders, applies
// AlterPartition from leaders, and checks leaders' liveness through its alarm.

import { DurableObject } from "cloudflare:workers";
import { AlarmTasks } from "../common/alarm-tasks.js";
import { mapBounded } from "../common/bounded-map.js";
import { invariant } from "../common/invariant.js";
import { withTimeout } from "../common/timeout.js";
import { replicaStub } from "../partition/replica-stub.js";
import type { ReplicaAssignment, ReplicaConfig } from "../partition/replica-types.js";
import { type ErrorData, failure, type Result } from "../protocol/errors.js";
import { type Limits, resolveLimits } from "../protocol/limits.js";
import {
  type AlterableConfig,
  checkConfigChange,
  checkPartitionCount,
  checkTopicConfig,
  type PartitionDescription,
  type PartitionState,
  type TopicConfig,
  type TopicDescription,
  type TopicMetadata,
} from "../protocol/topic.js";
import {
  type AlterPartitionRequest,
  decideAlterPartition,
  electionCandidates,
  offline,
  withLeader,
} from "./election.js";
import { TopicStore } from "./topic-store.js";

export type { AlterPartitionRequest } from "./election.js";

/** Who reports a leader unreachable, and as of which leaderEpoch. */
export interface UnreachableReport {
  partition: number;
  replica: number;
  leaderEpoch: number;
}

export class TopicController extends DurableObject<Env> {
  private readonly limits: Limits;
  private readonly store: TopicStore;
  private readonly tasks: AlarmTasks<"liveness">;
  /** One election per partition at a time; concurrent reports share its outcome. */
  private readonly elections = new Map<number, Promise<PartitionState>>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.limits = resolveLimits(env.EDGELOG_LIMITS);
    this.store = new TopicStore(ctx.storage.sql);
    this.tasks = new AlarmTasks(ctx.storage, ctx.storage.sql, ["liveness"]);
  }

  /** Creates the topic and its replicas. Idempotent for the same topicId. */
  async create(
    topicId: string,
    name: string,
    partitionCount: number,
    config: TopicConfig,
  ): Promise<Result<{ metadata: TopicMetadata }>> {
    const existing = this.metadata();
    if (existing.ok) return existing.metadata.topicId === topicId ? existing : failure("TOPIC_ALREADY_EXISTS", name);
    this.store.insertTopic(topicId, name, config);
    this.store.insertPartitions(0, partitionCount, config);
    const assigned = await this.assignAll(0);
    return assigned ? { ok: false, error: assigned } : this.metadata();
  }

  metadata(): Result<{ metadata: TopicMetadata }> {
    const metadata = this.store.metadata();
    return metadata ? { ok: true, metadata } : failure("UNKNOWN_TOPIC_OR_PARTITION", "topic does not exist");
  }

  /** Metadata plus each leader's logStartOffset and highWatermark, and the counters. */
  async describe(): Promise<Result<{ description: TopicDescription }>> {
    const found = this.metadata();
    if (!found.ok) return found;
    const { metadata } = found;
    const partitions = await mapBounded(
      metadata.partitions,
      this.limits.maxFanOut,
      async (p): Promise<PartitionDescription> => {
        const status =
          p.leader < 0 ? null : await this.callReplica(metadata, p, p.leader, async (s) => await s.describe());
        const offsets = status?.ok ? status : { logStartOffset: -1, highWatermark: -1, sizeBytes: -1 };
        return {
          partition: p.partition,
          leader: p.leader,
          leaderEpoch: p.leaderEpoch,
          replicas: p.replicas,
          isr: p.isr,
          logStartOffset: offsets.logStartOffset,
          highWatermark: offsets.highWatermark,
          sizeBytes: offsets.sizeBytes,
        };
      },
    );
    const counters = this.store.counters();
    return {
      ok: true,
      description: { name: metadata.name, topicId: metadata.topicId, config: metadata.config, partitions, counters },
    };
  }

  async alterConfig(patch: Partial<AlterableConfig>): Promise<Result<{ metadata: TopicMetadata }>> {
    const found = this.metadata();
    if (!found.ok) return found;
    const config: TopicConfig = { ...found.metadata.config, ...patch };
    const invalid = checkTopicConfig(config, this.limits) ?? checkConfigChange(found.metadata.config, config);
    if (invalid) return { ok: false, error: invalid };
    this.store.saveConfig(config);
    const assigned = await this.assignAll(0);
    return assigned ? { ok: false, error: assigned } : this.metadata();
  }

  /** Grows the partition count (it never shrinks, as in Kafka). */
  async addPartitions(count: number): Promise<Result<{ metadata: TopicMetadata }>> {
    const found = this.metadata();
    if (!found.ok) return found;
    const current = found.metadata.partitions.length;
    const invalid = checkPartitionCount(count, this.limits);
    if (invalid) return { ok: false, error: invalid };
    if (count <= current) {
      return failure("INVALID_PARTITIONS", `the topic has ${current} partitions; the count can only grow`);
    }
    this.store.bumpVersion();
    this.store.insertPartitions(current, count, found.metadata.config);
    const assigned = await this.assignAll(current);
    return assigned ? { ok: false, error: assigned } : this.metadata();
  }

  /** Deletes every replica's data, then the topic itself. */
  async deleteTopic(): Promise<Result<object>> {
    const found = this.metadata();
    if (!found.ok) return found;
    const { metadata } = found;
    const replicas = metadata.partitions.flatMap((p) => p.replicas.map((r) => [p.partition, r] as const));
    await mapBounded(replicas, this.limits.maxFanOut, ([partition, replica]) =>
      replicaStub(this.env, metadata.topicId, metadata.config, partition, replica)
        .destroy()
        .catch(() => undefined),
    );
    await this.ctx.storage.deleteAll();
    // deleteAll drops the tables too; this instance may still be asked about the topic.
    this.store.createSchema();
    return { ok: true };
  }

  /** Kafka's AlterPartition: the leader of the current epochs changes the ISR
   * (compare-and-set on partitionEpoch). A stale request gets the current state. */
  async alterPartition(request: AlterPartitionRequest): Promise<Result<{ applied: boolean; state: PartitionState }>> {
    const state = this.store.partitionState(request.partition);
    if (!state) return failure("UNKNOWN_TOPIC_OR_PARTITION", `no partition ${request.partition}`);
    const decision = decideAlterPartition(state, request);
    if (decision.kind === "stale") return { ok: true, applied: false, state };
    if (decision.kind === "invalid") return { ok: false, error: decision.error };
    const { next } = decision;
    this.store.saveState(next);
    if (next.isr.length < state.isr.length) this.store.count("isr_shrinks");
    if (next.isr.length > state.isr.length) this.store.count("isr_expands");
    // Followers learn the new ISR without holding up the leader.
    void this.notify(next, [state.leader]);
    return { ok: true, applied: true, state: next };
  }

  /** A router or replica could not reach a leader: check it, and elect another when it
   * is really gone. */
  async reportUnreachable(report: UnreachableReport): Promise<Result<{ state: PartitionState }>> {
    const state = this.store.partitionState(report.partition);
    if (!state) return failure("UNKNOWN_TOPIC_OR_PARTITION", `no partition ${report.partition}`);
    if (state.leader !== report.replica || state.leaderEpoch !== report.leaderEpoch) return { ok: true, state };
    if (await this.alive(state, state.leader)) return { ok: true, state };
    return { ok: true, state: await this.elect(report.partition, report.replica) };
  }

  /** What a replica that lost track (a deposed leader, a restarted follower) should
   * know about itself now. */
  assignmentOf(partition: number, replica: number): Result<{ assignment: ReplicaAssignment }> {
    const state = this.store.partitionState(partition);
    if (!state?.replicas.includes(replica))
      return failure("UNKNOWN_TOPIC_OR_PARTITION", `no replica ${partition}/${replica}`);
    return { ok: true, assignment: this.assignmentFor(state, replica) };
  }

  /** Liveness: every leader is pinged; offline partitions and dead leaders get an
   * election. */
  override async alarm(): Promise<void> {
    const found = this.metadata();
    if (!found.ok) return;
    this.tasks.takeDue(Date.now());
    await this.informMissed();
    await mapBounded(found.metadata.partitions, this.limits.maxFanOut, async (p) => {
      if (p.leader < 0) await this.elect(p.partition, null);
      else if (!(await this.alive(p, p.leader))) await this.elect(p.partition, p.leader);
    });
    await this.watchLiveness();
    // An alarm that ran before its task was due (workerd may run one early) leaves the
    // task in the table: arm for it again, or it never runs.
    await this.tasks.arm();
  }

  /** Replicated topics are watched always; a single-replica one while a partition is
   * offline, so that it leads again once its replica is back (as Kafka re-elects a
   * broker's partitions when it returns), or while a replica missed its assignment. */
  private async watchLiveness(): Promise<void> {
    const metadata = this.metadataOrThrow();
    const offline = metadata.partitions.some((p) => p.leader < 0);
    if (metadata.config.replicationFactor > 1 || offline || this.store.uninformed().length > 0) {
      await this.tasks.schedule("liveness", Date.now() + this.limits.livenessIntervalMs);
    }
  }

  private elect(partition: number, failed: number | null): Promise<PartitionState> {
    const running = this.elections.get(partition);
    if (running) return running;
    const election = this.runElection(partition, failed).finally(() => this.elections.delete(partition));
    this.elections.set(partition, election);
    return election;
  }

  /** The first candidate that accepts leads (see election.ts). With none the partition
   * goes offline (leader -1). */
  private async runElection(partition: number, failed: number | null): Promise<PartitionState> {
    const original = this.store.partitionState(partition);
    invariant(original, "elections are for existing partitions");
    const metadata = this.metadataOrThrow();
    let state = original;
    for (const candidate of electionCandidates(original, failed, metadata.config.uncleanLeaderElection)) {
      state = withLeader(state, candidate);
      this.store.saveState(state);
      this.store.count("elections");
      const elected = state;
      const accepted = await this.callReplica(
        metadata,
        elected,
        candidate.replica,
        async (s) => await s.assign(this.assignmentFor(elected, candidate.replica)),
      );
      this.store.markUninformed(partition, candidate.replica, !accepted?.ok);
      if (accepted?.ok) {
        await this.notify(elected, [candidate.replica]);
        return elected;
      }
    }
    const down = offline(state, original.isr);
    this.store.saveState(down);
    await this.notify(down, []);
    await this.watchLiveness();
    return down;
  }

  private async alive(state: PartitionState, replica: number): Promise<boolean> {
    const answer = await this.callReplica(this.metadataOrThrow(), state, replica, async (s) => await s.ping());
    return answer?.ok === true;
  }

  /** Calls one replica with a timeout; null when it cannot be reached. */
  private async callReplica<R>(
    metadata: TopicMetadata,
    state: PartitionState,
    replica: number,
    call: (stub: ReturnType<typeof replicaStub>) => Promise<R>,
  ): Promise<R | null> {
    try {
      const stub = replicaStub(this.env, metadata.topicId, metadata.config, state.partition, replica);
      return await withTimeout(() => call(stub), this.limits.peerTimeoutMs, `replica ${state.partition}/${replica}`);
    } catch {
      return null;
    }
  }

  /** Tells the partition's replicas (but `skip`) its state. An unreachable one is
   * remembered and told again by the liveness alarm: a replica that was down through
   * an election must not come back believing it still leads. */
  private async notify(state: PartitionState, skip: number[]): Promise<void> {
    const metadata = this.metadataOrThrow();
    const targets = state.replicas.filter((r) => !skip.includes(r));
    await mapBounded(targets, this.limits.maxFanOut, async (r) => {
      const answer = await this.callReplica(
        metadata,
        state,
        r,
        async (s) => await s.assign(this.assignmentFor(state, r)),
      );
      this.store.markUninformed(state.partition, r, answer === null);
    });
  }

  /** Replicas that missed a change of their partition's state, told again now. */
  private async informMissed(): Promise<void> {
    await mapBounded(this.store.uninformed(), this.limits.maxFanOut, async ({ partition, replica }) => {
      const state = this.store.partitionState(partition);
      if (!state) return;
      await this.notify(
        state,
        state.replicas.filter((r) => r !== replica),
      );
    });
  }

  /** Tells every replica of partitions ≥ `from` its state and config. One that does not
   * answer is told again by the liveness alarm, so a config change or a new partition
   * reaches it once it is back, whether or not the caller retries. */
  private async assignAll(from: number): Promise<ErrorData | null> {
    const metadata = this.metadataOrThrow();
    const targets = metadata.partitions
      .filter((p) => p.partition >= from)
      .flatMap((p) => p.replicas.map((replica) => ({ p, replica })));
    // Followers first: a leader starts replicating at once, and a follower that does
    // not exist yet would look failed and be dropped from the ISR.
    const followers = targets.filter(({ p, replica }) => replica !== p.leader);
    const leaders = targets.filter(({ p, replica }) => replica === p.leader);
    const results = [...(await this.assignEach(metadata, followers)), ...(await this.assignEach(metadata, leaders))];
    await this.watchLiveness();
    const failed = results.find((r) => !r.ok);
    return failed && !failed.ok ? failed.error : null;
  }

  private async assignEach(metadata: TopicMetadata, targets: { p: PartitionState; replica: number }[]) {
    return await mapBounded(targets, this.limits.maxFanOut, async ({ p, replica }) => {
      const answer = await this.callReplica(
        metadata,
        p,
        replica,
        async (s) => await s.assign(this.assignmentFor(p, replica)),
      );
      this.store.markUninformed(p.partition, replica, answer === null);
      return answer ?? failure("REQUEST_TIMED_OUT", `replica ${p.partition}/${replica} did not answer`);
    });
  }

  private assignmentFor(state: PartitionState, replica: number): ReplicaAssignment {
    const metadata = this.metadataOrThrow();
    return { topicId: metadata.topicId, replica, state, config: replicaConfig(metadata.config) };
  }

  private metadataOrThrow(): TopicMetadata {
    const found = this.metadata();
    invariant(found.ok, "the topic exists");
    return found.metadata;
  }
}

function replicaConfig(config: TopicConfig): ReplicaConfig {
  const { replicationFactor: _, uncleanLeaderElection: __, ...forReplicas } = config;
  return forReplicas;
}

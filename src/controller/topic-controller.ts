// The controller of one topic: a Durable Object named `controller/<topicId>` that owns
// the topic's config and, per partition, replicas, leader, leaderEpoch, isr and
// partitionEpoch (Kafka's KRaft controller, one per topic).

import { DurableObject } from "cloudflare:workers";
import { mapBounded } from "../common/bounded-map.js";
import { invariant } from "../common/invariant.js";
import type { ReplicaAssignment } from "../partition/partition-replica.js";
import { replicaStub } from "../partition/replica-stub.js";
import { type ErrorData, failure, type Result } from "../protocol/errors.js";
import { type Limits, resolveLimits } from "../protocol/limits.js";
import {
  type AlterableConfig,
  checkPartitionCount,
  checkTopicConfig,
  type PartitionDescription,
  type PartitionState,
  type TopicConfig,
  type TopicDescription,
  type TopicMetadata,
} from "../protocol/topic.js";

type TopicRow = {
  topic_id: string;
  name: string;
  version: number;
  config: string;
};

type PartitionRow = {
  partition: number;
  replicas: string;
  leader: number;
  leader_epoch: number;
  isr: string;
  partition_epoch: number;
};

export class TopicController extends DurableObject<Env> {
  private readonly limits: Limits;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.limits = resolveLimits(env.EDGELOG_LIMITS);
    this.createSchema();
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
    this.ctx.storage.sql.exec(
      "INSERT INTO topic (id, topic_id, name, version, config) VALUES (1, ?, ?, 1, ?)",
      topicId,
      name,
      JSON.stringify(config),
    );
    this.insertPartitions(0, partitionCount, config);
    const assigned = await this.assignReplicas(0);
    return assigned ? { ok: false, error: assigned } : this.metadata();
  }

  metadata(): Result<{ metadata: TopicMetadata }> {
    const topic = this.topicRow();
    if (!topic) return failure("UNKNOWN_TOPIC_OR_PARTITION", "topic does not exist");
    const partitions = this.ctx.storage.sql
      .exec<PartitionRow>("SELECT * FROM partitions ORDER BY partition")
      .toArray()
      .map(toPartitionState);
    return {
      ok: true,
      metadata: {
        name: topic.name,
        topicId: topic.topic_id,
        version: topic.version,
        config: JSON.parse(topic.config),
        partitions,
      },
    };
  }

  /** Metadata plus each leader's logStartOffset and highWatermark. */
  async describe(): Promise<Result<{ description: TopicDescription }>> {
    const found = this.metadata();
    if (!found.ok) return found;
    const { metadata } = found;
    const partitions = await mapBounded(
      metadata.partitions,
      this.limits.maxFanOut,
      async (p): Promise<PartitionDescription> => {
        const status = await replicaStub(this.env, metadata.topicId, metadata.config, p.partition, p.leader).describe();
        const { logStartOffset, highWatermark } = status.ok ? status : { logStartOffset: -1, highWatermark: -1 };
        return {
          partition: p.partition,
          leader: p.leader,
          leaderEpoch: p.leaderEpoch,
          replicas: p.replicas,
          isr: p.isr,
          logStartOffset,
          highWatermark,
        };
      },
    );
    return {
      ok: true,
      description: { name: metadata.name, topicId: metadata.topicId, config: metadata.config, partitions },
    };
  }

  async alterConfig(patch: Partial<AlterableConfig>): Promise<Result<{ metadata: TopicMetadata }>> {
    const found = this.metadata();
    if (!found.ok) return found;
    const config: TopicConfig = { ...found.metadata.config, ...patch };
    const invalid = checkTopicConfig(config, this.limits);
    if (invalid) return { ok: false, error: invalid };
    this.ctx.storage.sql.exec("UPDATE topic SET config = ?, version = version + 1", JSON.stringify(config));
    const assigned = await this.assignReplicas(0);
    return assigned ? { ok: false, error: assigned } : this.metadata();
  }

  /** Grows the partition count (it never shrinks, as in Kafka). */
  async addPartitions(count: number): Promise<Result<{ metadata: TopicMetadata }>> {
    const found = this.metadata();
    if (!found.ok) return found;
    const current = found.metadata.partitions.length;
    const invalid = checkPartitionCount(count, this.limits);
    if (invalid) return { ok: false, error: invalid };
    if (count <= current)
      return failure("INVALID_PARTITIONS", `the topic has ${current} partitions; the count can only grow`);
    this.ctx.storage.sql.exec("UPDATE topic SET version = version + 1");
    this.insertPartitions(current, count, found.metadata.config);
    const assigned = await this.assignReplicas(current);
    return assigned ? { ok: false, error: assigned } : this.metadata();
  }

  /** Deletes every replica's data, then the topic itself. */
  async deleteTopic(): Promise<Result<object>> {
    const found = this.metadata();
    if (!found.ok) return found;
    const { metadata } = found;
    const replicas = metadata.partitions.flatMap((p) => p.replicas.map((r) => [p.partition, r] as const));
    await mapBounded(replicas, this.limits.maxFanOut, ([partition, replica]) =>
      replicaStub(this.env, metadata.topicId, metadata.config, partition, replica).destroy(),
    );
    await this.ctx.storage.deleteAll();
    // deleteAll drops the tables too; this instance may still be asked about the topic.
    this.createSchema();
    return { ok: true };
  }

  private createSchema(): void {
    this.ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS topic (
      id INTEGER PRIMARY KEY CHECK (id = 1), topic_id TEXT NOT NULL, name TEXT NOT NULL,
      version INTEGER NOT NULL, config TEXT NOT NULL)`);
    this.ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS partitions (
      partition INTEGER PRIMARY KEY, replicas TEXT NOT NULL, leader INTEGER NOT NULL,
      leader_epoch INTEGER NOT NULL, isr TEXT NOT NULL, partition_epoch INTEGER NOT NULL)`);
  }

  private topicRow(): TopicRow | undefined {
    return this.ctx.storage.sql.exec<TopicRow>("SELECT topic_id, name, version, config FROM topic").toArray()[0];
  }

  private insertPartitions(from: number, to: number, config: TopicConfig): void {
    const replicas = Array.from({ length: config.replicationFactor }, (_, i) => i);
    for (let partition = from; partition < to; partition++) {
      this.ctx.storage.sql.exec(
        "INSERT INTO partitions (partition, replicas, leader, leader_epoch, isr, partition_epoch) VALUES (?, ?, 0, 0, ?, 0)",
        partition,
        JSON.stringify(replicas),
        JSON.stringify(replicas),
      );
    }
  }

  /** Tells every replica of partitions ≥ `from` its role, epoch and config. */
  private async assignReplicas(from: number): Promise<ErrorData | null> {
    const found = this.metadata();
    invariant(found.ok, "assign replicas of an existing topic");
    const { metadata } = found;
    const targets = metadata.partitions
      .filter((p) => p.partition >= from)
      .flatMap((p) => p.replicas.map((replica) => ({ p, replica })));
    const results = await mapBounded(
      targets,
      this.limits.maxFanOut,
      async ({ p, replica }): Promise<Result<object>> => {
        const assignment: ReplicaAssignment = {
          topicId: metadata.topicId,
          partition: p.partition,
          replica,
          role: replica === p.leader ? "leader" : "follower",
          leaderEpoch: p.leaderEpoch,
          config: { retentionMs: metadata.config.retentionMs, retentionBytes: metadata.config.retentionBytes },
        };
        return await replicaStub(this.env, metadata.topicId, metadata.config, p.partition, replica).assign(assignment);
      },
    );
    const failed = results.find((r) => !r.ok);
    return failed && !failed.ok ? failed.error : null;
  }
}

function toPartitionState(row: PartitionRow): PartitionState {
  return {
    partition: row.partition,
    replicas: JSON.parse(row.replicas),
    leader: row.leader,
    leaderEpoch: row.leader_epoch,
    isr: JSON.parse(row.isr),
    partitionEpoch: row.partition_epoch,
  };
}

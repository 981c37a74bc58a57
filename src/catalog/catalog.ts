// The catalog: one Durable Object named `catalog` that maps topic names to topicIds,
// keeps the topic list, the scoped tokens and the issued producerIds. Only admin calls and metadata cache misses reach it; each
// topic's own controller is the authority for its config and partitions.

import { DurableObject } from "cloudflare:workers";
import { controllerStub } from "../controller/controller-stub.js";
import { failure, type Result } from "../protocol/errors.js";
import { type Limits, resolveLimits } from "../protocol/limits.js";
import {
  type AlterableConfig,
  storedTopicConfig,
  type TopicConfig,
  type TopicListing,
  type TopicMetadata,
} from "../protocol/topic.js";
import {
  type Issued,
  type IssuedProducer,
  IssuedProducers,
  type ProducerOwner,
  tokenOwner,
} from "./issued-producers.js";
import { type TokenListing, type TokenRecord, Tokens } from "./tokens.js";

type TopicRow = {
  name: string;
  topic_id: string;
  partitions: number;
  config: string;
};

export class Catalog extends DurableObject<Env> {
  private readonly limits: Limits;
  private readonly producers: IssuedProducers;
  private readonly tokens: Tokens;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.limits = resolveLimits(env.EDGELOG_LIMITS);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS topics (
      name TEXT PRIMARY KEY, topic_id TEXT NOT NULL UNIQUE, partitions INTEGER NOT NULL,
      config TEXT NOT NULL, ready INTEGER NOT NULL)`);
    this.producers = new IssuedProducers(ctx.storage.sql);
    this.tokens = new Tokens(ctx.storage.sql, this.limits.maxTokens);
  }

  async createToken(name: string, scopes: string[]): Promise<Result<{ id: string; token: string }>> {
    return await this.tokens.create(name, scopes, Date.now());
  }

  listTokens(): TokenListing[] {
    return this.tokens.list();
  }

  /** Deletes the token and the producerIds bound to it. */
  deleteToken(id: string): Result<object> {
    const deleted = this.tokens.delete(id);
    this.producers.forgetOwner(tokenOwner(id));
    return deleted ? { ok: true } : failure("NOT_FOUND", `no token ${id}`);
  }

  tokenRecord(id: string): TokenRecord | null {
    return this.tokens.record(id);
  }

  /** Kafka InitProducerId: a new producerId at epoch 0 bound to `caller`, or the next
   * epoch of the caller's existing one. */
  initProducer(existing: { producerId: number; producerEpoch: number } | null, caller: ProducerOwner): Issued {
    return existing
      ? this.producers.bump(existing.producerId, existing.producerEpoch, caller)
      : this.producers.issue(caller);
  }

  /** What routers need to check a produce's producerId and epoch. */
  producerRecord(producerId: number): IssuedProducer | null {
    return this.producers.lookup(producerId);
  }

  async createTopic(
    name: string,
    partitions: number,
    config: TopicConfig,
  ): Promise<Result<{ metadata: TopicMetadata }>> {
    if (this.row(name, true)) return failure("TOPIC_ALREADY_EXISTS", `topic ${name} already exists`);
    const topics = this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM topics").one().n;
    if (topics >= this.limits.maxTopics) return failure("INVALID_REQUEST", `at most ${this.limits.maxTopics} topics`);
    const topicId = crypto.randomUUID();
    // The name is taken before the controller is called, so a concurrent create of the
    // same name sees it; it only becomes visible to routers once the topic is ready.
    this.ctx.storage.sql.exec(
      "INSERT INTO topics (name, topic_id, partitions, config, ready) VALUES (?, ?, ?, ?, 0)",
      name,
      topicId,
      partitions,
      JSON.stringify(config),
    );
    const created = await controllerStub(this.env, topicId)
      .create(topicId, name, partitions, config)
      .catch((e: unknown) => failure("INTERNAL_ERROR", `topic creation failed: ${String(e)}`));
    if (!created.ok) {
      this.ctx.storage.sql.exec("DELETE FROM topics WHERE name = ? AND topic_id = ?", name, topicId);
      return created;
    }
    this.ctx.storage.sql.exec("UPDATE topics SET ready = 1 WHERE name = ? AND topic_id = ?", name, topicId);
    return created;
  }

  lookup(name: string): Result<{ topicId: string }> {
    const row = this.row(name);
    return row ? { ok: true, topicId: row.topic_id } : unknownTopic(name);
  }

  listTopics(): TopicListing[] {
    return this.ctx.storage.sql
      .exec<TopicRow>("SELECT name, topic_id, partitions, config FROM topics WHERE ready = 1 ORDER BY name")
      .toArray()
      .map((r) => ({
        name: r.name,
        topicId: r.topic_id,
        partitions: r.partitions,
        config: storedTopicConfig(r.config),
      }));
  }

  async alterConfig(name: string, patch: Partial<AlterableConfig>): Promise<Result<{ metadata: TopicMetadata }>> {
    const row = this.row(name);
    if (!row) return unknownTopic(name);
    return this.remember(name, await controllerStub(this.env, row.topic_id).alterConfig(patch));
  }

  async addPartitions(name: string, count: number): Promise<Result<{ metadata: TopicMetadata }>> {
    const row = this.row(name);
    if (!row) return unknownTopic(name);
    return this.remember(name, await controllerStub(this.env, row.topic_id).addPartitions(count));
  }

  /** Frees the name first, so the topic is gone for everyone at once; the controller
   * then drops its replicas' data. */
  async deleteTopic(name: string): Promise<Result<{ topicId: string }>> {
    const row = this.row(name);
    if (!row) return unknownTopic(name);
    this.ctx.storage.sql.exec("DELETE FROM topics WHERE name = ?", name);
    const deleted = await controllerStub(this.env, row.topic_id).deleteTopic();
    return deleted.ok ? { ok: true, topicId: row.topic_id } : deleted;
  }

  /** The topic's row once it is ready; with `includeCreating`, also while created. */
  private row(name: string, includeCreating = false): TopicRow | undefined {
    return this.ctx.storage.sql
      .exec<TopicRow>(
        "SELECT name, topic_id, partitions, config FROM topics WHERE name = ? AND ready >= ?",
        name,
        includeCreating ? 0 : 1,
      )
      .toArray()[0];
  }

  /** Keeps the listing's copy of partitions and config in step with the controller. */
  private remember(name: string, result: Result<{ metadata: TopicMetadata }>): Result<{ metadata: TopicMetadata }> {
    if (result.ok) {
      this.ctx.storage.sql.exec(
        "UPDATE topics SET partitions = ?, config = ? WHERE name = ?",
        result.metadata.partitions.length,
        JSON.stringify(result.metadata.config),
        name,
      );
    }
    return result;
  }
}

function unknownTopic(name: string) {
  return failure("UNKNOWN_TOPIC_OR_PARTITION", `topic ${name} does not exist`);
}

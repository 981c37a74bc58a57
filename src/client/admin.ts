// Topic and group administration (kafkajs' admin()), one call per route. Admin calls
// are retried on retriable errors like every other call; creating or deleting twice
// answers TOPIC_ALREADY_EXISTS or UNKNOWN_TOPIC_OR_PARTITION, as the first attempt may
// have succeeded unseen.

import type { GroupDescription, OffsetWithLag, ResetTarget } from "../protocol/group.js";
import type { TopicConfig, TopicDescription, TopicListing } from "../protocol/topic.js";
import { type RetryOptions, withRetry } from "./retry.js";
import { type Method, segment, type Transport } from "./transport.js";

export interface CreateTopicOptions extends Partial<TopicConfig> {
  /** Default 1. */
  partitions?: number;
}

export type { ResetTarget } from "../protocol/group.js";

export interface GroupDetails extends GroupDescription {
  offsets: OffsetWithLag[];
  /** Sum of the known partition lags. */
  lag: number;
}

export type TopicConfigPatch = Partial<
  Pick<
    TopicConfig,
    | "minInsyncReplicas"
    | "retentionMs"
    | "retentionBytes"
    | "followerFetch"
    | "uncleanLeaderElection"
    | "replicaLagTimeMs"
    | "cleanupPolicy"
    | "minCompactionLagMs"
    | "maxCompactionLagMs"
    | "deleteRetentionMs"
    | "minCleanableDirtyRatio"
  >
>;

export class Admin {
  constructor(
    private readonly transport: Transport,
    private readonly retry: RetryOptions,
  ) {}

  async createTopic(name: string, options: CreateTopicOptions = {}): Promise<TopicDescription> {
    return await this.call("POST", "/v1/topics", { name, ...options });
  }

  async listTopics(): Promise<TopicListing[]> {
    return (await this.call<{ topics: TopicListing[] }>("GET", "/v1/topics")).topics;
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    return await this.call("GET", `/v1/topics/${segment(name)}`);
  }

  async alterTopicConfig(name: string, patch: TopicConfigPatch): Promise<TopicDescription> {
    return await this.call("PATCH", `/v1/topics/${segment(name)}`, patch);
  }

  /** Grows the topic to `count` partitions in all (Kafka's createPartitions). */
  async createPartitions(name: string, count: number): Promise<TopicDescription> {
    return await this.call("POST", `/v1/topics/${segment(name)}/partitions`, { count });
  }

  async deleteTopic(name: string): Promise<void> {
    await this.call("DELETE", `/v1/topics/${segment(name)}`);
  }

  /** Kafka ListOffsets for one partition: the earliest offset, the latest (the
   * highWatermark) or the first offset at or after a timestamp (the highWatermark when
   * no record is that recent). */
  async listOffsets(
    topic: string,
    partition: number,
    at: "earliest" | "latest" | number,
  ): Promise<{ offset: number; timestamp?: number }> {
    return await this.call("GET", `/v1/topics/${segment(topic)}/partitions/${partition}/offsets?at=${at}`);
  }

  async listGroups(): Promise<string[]> {
    return (await this.call<{ groups: { groupId: string }[] }>("GET", "/v1/groups")).groups.map((g) => g.groupId);
  }

  async describeGroup(groupId: string): Promise<GroupDetails> {
    return await this.call("GET", `/v1/groups/${segment(groupId)}`);
  }

  /** Committed offsets with each partition's highWatermark and lag. */
  async fetchOffsets(groupId: string): Promise<OffsetWithLag[]> {
    return (await this.call<{ offsets: OffsetWithLag[] }>("GET", `/v1/groups/${segment(groupId)}/offsets`)).offsets;
  }

  /** Only while the group has no members. */
  async deleteGroup(groupId: string): Promise<void> {
    await this.call("DELETE", `/v1/groups/${segment(groupId)}`);
  }

  /** Sets the group's committed offset of every partition of `topic`; only while the
   * group has no members. */
  async resetOffsets(
    groupId: string,
    topic: string,
    to: ResetTarget,
  ): Promise<{ partition: number; offset: number }[]> {
    const answer = await this.call<{ offsets: { partition: number; offset: number }[] }>(
      "POST",
      `/v1/groups/${segment(groupId)}/offsets/reset`,
      { topic, to },
    );
    return answer.offsets;
  }

  private async call<T>(method: Method, path: string, body?: unknown): Promise<T> {
    return await withRetry(this.retry, () => this.transport.request<T>(method, path, body));
  }
}

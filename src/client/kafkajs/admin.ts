// kafkajs' admin over Edgelog's: topics, partitions, offsets, groups and topic
// configs, answered in kafkajs' shapes (string offsets, per-topic partition lists).
// ACLs, record deletion and replica reassignment are refused: Edgelog authorizes with
// scoped tokens, deletes by retention and places replicas itself.

import type { Admin as EdgelogAdmin } from "../admin.js";
import { hasCode } from "../errors.js";
import {
  KafkaJSDeleteGroupsError,
  KafkaJSNonRetriableError,
  KafkaJSProtocolError,
  kafkajsCall,
  refused,
  toKafkaJSError,
} from "./errors.js";
import { Instrumentation } from "./instrumentation.js";
import type { Logger } from "./logger.js";
import { type ConfigEntry, fromConfigEntries, toConfigEntries } from "./topic-configs.js";

export interface ITopicConfig {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  replicaAssignment?: object[];
  configEntries?: ConfigEntry[];
}

export interface SeekEntry {
  partition: number;
  offset: string;
}

export const ConfigResourceTypes = { UNKNOWN: 0, TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;

export const ADMIN_EVENTS = { CONNECT: "admin.connect", DISCONNECT: "admin.disconnect" } as const;
type AdminEventName = (typeof ADMIN_EVENTS)[keyof typeof ADMIN_EVENTS];

interface ConfigResource {
  type: number;
  name: string;
  configNames?: string[];
  configEntries?: ConfigEntry[];
}

export class KafkaAdmin {
  readonly events = ADMIN_EVENTS;
  private readonly instrumentation = new Instrumentation<AdminEventName>(ADMIN_EVENTS);

  constructor(
    private readonly admin: EdgelogAdmin,
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  async connect(): Promise<void> {
    this.instrumentation.emit(ADMIN_EVENTS.CONNECT, null);
  }

  async disconnect(): Promise<void> {
    this.instrumentation.emit(ADMIN_EVENTS.DISCONNECT, null);
  }

  async listTopics(): Promise<string[]> {
    return await kafkajsCall(async () => (await this.admin.listTopics()).map((t) => t.name));
  }

  /** true when every topic was created, false when one already existed (as kafkajs). */
  async createTopics(options: {
    topics: ITopicConfig[];
    validateOnly?: boolean;
    waitForLeaders?: boolean;
    timeout?: number;
  }): Promise<boolean> {
    if (options.validateOnly) return await refused("createTopics({ validateOnly })", "a topic is created or refused");
    let allCreated = true;
    for (const {
      topic,
      numPartitions = -1,
      replicationFactor = -1,
      replicaAssignment,
      configEntries,
    } of options.topics) {
      if (replicaAssignment && replicaAssignment.length > 0) {
        return await refused("replicaAssignment", "Edgelog places every replica itself");
      }
      const config = {
        ...fromConfigEntries(configEntries),
        ...(numPartitions > 0 ? { partitions: numPartitions } : {}),
        ...(replicationFactor > 0 ? { replicationFactor } : {}),
      };
      try {
        await this.admin.createTopic(topic, config);
      } catch (error) {
        if (!hasCode(error, "TOPIC_ALREADY_EXISTS")) throw toKafkaJSError(error);
        allCreated = false;
      }
    }
    return allCreated;
  }

  async deleteTopics({ topics }: { topics: string[]; timeout?: number }): Promise<void> {
    await kafkajsCall(async () => {
      for (const topic of topics) await this.admin.deleteTopic(topic);
    });
  }

  async createPartitions(options: {
    topicPartitions: { topic: string; count: number; assignments?: number[][] }[];
    validateOnly?: boolean;
    timeout?: number;
  }): Promise<boolean> {
    if (options.validateOnly)
      return await refused("createPartitions({ validateOnly })", "partitions are added or refused");
    await kafkajsCall(async () => {
      for (const { topic, count, assignments } of options.topicPartitions) {
        if (assignments)
          this.log.warn("createPartitions: assignments are not applied, Edgelog places replicas itself", { topic });
        await this.admin.createPartitions(topic, count);
      }
    });
    return true;
  }

  async fetchTopicMetadata(options: { topics?: string[] } = {}) {
    return await kafkajsCall(async () => {
      const names =
        options.topics && options.topics.length > 0
          ? options.topics
          : (await this.admin.listTopics()).map((t) => t.name);
      const topics = [];
      for (const name of names) {
        const description = await this.admin.describeTopic(name);
        topics.push({
          name,
          partitions: description.partitions.map((p) => ({
            partitionErrorCode: 0,
            partitionId: p.partition,
            leader: p.leader,
            replicas: p.replicas,
            isr: p.isr,
            offlineReplicas: [],
          })),
        });
      }
      return { topics };
    });
  }

  async fetchTopicOffsets(topic: string): Promise<(SeekEntry & { high: string; low: string })[]> {
    return await kafkajsCall(async () =>
      (await this.admin.describeTopic(topic)).partitions.map((p) => ({
        partition: p.partition,
        offset: String(p.highWatermark),
        high: String(p.highWatermark),
        low: String(p.logStartOffset),
      })),
    );
  }

  /** The first offset at or after `timestamp` per partition (the highWatermark when no
   * record is that late, or without a timestamp). */
  async fetchTopicOffsetsByTimestamp(topic: string, timestamp?: number): Promise<SeekEntry[]> {
    return await kafkajsCall(async () => {
      const { partitions } = await this.admin.describeTopic(topic);
      const at = timestamp === undefined ? "latest" : timestamp;
      const entries: SeekEntry[] = [];
      for (const { partition } of partitions) {
        entries.push({ partition, offset: String((await this.admin.listOffsets(topic, partition, at)).offset) });
      }
      return entries;
    });
  }

  /** Committed offsets; "-1" for a partition of a listed topic without one. */
  async fetchOffsets({
    groupId,
    topics,
    resolveOffsets,
  }: {
    groupId: string;
    topics?: string[];
    resolveOffsets?: boolean;
  }) {
    if (resolveOffsets)
      return await refused("fetchOffsets({ resolveOffsets })", "read fetchTopicOffsets for the log's ends");
    return await kafkajsCall(async () => {
      const committed = await this.committed(groupId);
      const names = topics ?? [...new Set(committed.map((o) => o.topic))];
      const result = [];
      for (const topic of names) {
        const count = topics ? (await this.admin.describeTopic(topic)).partitions.length : 0;
        const own = committed.filter((o) => o.topic === topic);
        const partitions = Array.from(
          { length: Math.max(count, ...own.map((o) => o.partition + 1)) },
          (_, partition) => {
            const found = own.find((o) => o.partition === partition);
            return { partition, offset: String(found?.offset ?? -1), metadata: found?.metadata ?? null };
          },
        ).filter((p) => topics || p.offset !== "-1");
        result.push({ topic, partitions });
      }
      return result;
    });
  }

  async resetOffsets({
    groupId,
    topic,
    earliest = false,
  }: {
    groupId: string;
    topic: string;
    earliest?: boolean;
  }): Promise<void> {
    await kafkajsCall(() => this.admin.resetOffsets(groupId, topic, earliest ? "earliest" : "latest"));
  }

  /** Edgelog sets a topic's partitions together: one offset for every partition. */
  async setOffsets({
    groupId,
    topic,
    partitions,
  }: {
    groupId: string;
    topic: string;
    partitions: SeekEntry[];
  }): Promise<void> {
    await kafkajsCall(async () => {
      const count = (await this.admin.describeTopic(topic)).partitions.length;
      const offsets = new Set(partitions.map((p) => p.offset));
      const covered = new Set(partitions.map((p) => p.partition));
      const [offset] = offsets;
      if (offsets.size !== 1 || covered.size !== count || offset === undefined) {
        throw new KafkaJSNonRetriableError(
          `setOffsets: Edgelog sets one offset for all ${count} partitions of ${topic} at once; list every partition with the same offset`,
        );
      }
      await this.admin.resetOffsets(groupId, topic, { offset: Number(offset) });
    });
  }

  async listGroups(): Promise<{ groups: { groupId: string; protocolType: string }[] }> {
    return await kafkajsCall(async () => ({
      groups: (await this.admin.listGroups()).map((groupId) => ({ groupId, protocolType: "consumer" })),
    }));
  }

  async describeGroups(groupIds: string[]) {
    return await kafkajsCall(async () => {
      const groups = [];
      for (const groupId of groupIds) {
        const group = await this.admin.describeGroup(groupId);
        groups.push({
          groupId,
          errorCode: 0,
          state: group.state,
          protocolType: "consumer",
          protocol: "",
          members: group.members.map((m) => ({
            memberId: m.memberId,
            clientId: "",
            clientHost: "",
            // Edgelog's assignment as data: there is no Kafka protocol encoding to give.
            memberAssignment: new Uint8Array(0),
            memberMetadata: new Uint8Array(0),
            assignment: m.assignment,
          })),
        });
      }
      return { groups };
    });
  }

  async deleteGroups(groupIds: string[]): Promise<{ groupId: string; errorCode: number }[]> {
    const failed = [];
    for (const groupId of groupIds) {
      try {
        await this.admin.deleteGroup(groupId);
      } catch (error) {
        const converted = toKafkaJSError(error);
        if (!(converted instanceof KafkaJSProtocolError)) throw converted;
        failed.push({ groupId, errorCode: converted.code, error: converted });
      }
    }
    if (failed.length > 0) throw new KafkaJSDeleteGroupsError("Error in DeleteGroups", failed);
    return groupIds.map((groupId) => ({ groupId, errorCode: 0 }));
  }

  async describeConfigs({ resources }: { resources: ConfigResource[]; includeSynonyms?: boolean }) {
    return await kafkajsCall(async () => {
      const described = [];
      for (const resource of topicResources(resources)) {
        const { config } = await this.admin.describeTopic(resource.name);
        described.push({
          errorCode: 0,
          errorMessage: null,
          resourceType: resource.type,
          resourceName: resource.name,
          configEntries: toConfigEntries(config, resource.configNames),
        });
      }
      return { throttleTime: 0, resources: described };
    });
  }

  async alterConfigs({ resources, validateOnly }: { resources: ConfigResource[]; validateOnly?: boolean }) {
    if (validateOnly) return await refused("alterConfigs({ validateOnly })", "a change is applied or refused");
    return await kafkajsCall(async () => {
      const altered = [];
      for (const resource of topicResources(resources)) {
        await this.admin.alterTopicConfig(resource.name, fromConfigEntries(resource.configEntries));
        altered.push({ errorCode: 0, errorMessage: null, resourceType: resource.type, resourceName: resource.name });
      }
      return { throttleTime: 0, resources: altered };
    });
  }

  /** One broker: the Worker at the configured URL. */
  async describeCluster() {
    const url = new URL(this.url);
    const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    return { brokers: [{ nodeId: 0, host: url.hostname, port }], controller: 0, clusterId: "edgelog" };
  }

  describeAcls(): Promise<never> {
    return refused("describeAcls", "Edgelog authorizes with scoped tokens (see POST /v1/tokens)");
  }
  createAcls(): Promise<never> {
    return refused("createAcls", "Edgelog authorizes with scoped tokens (see POST /v1/tokens)");
  }
  deleteAcls(): Promise<never> {
    return refused("deleteAcls", "Edgelog authorizes with scoped tokens (see POST /v1/tokens)");
  }
  deleteTopicRecords(): Promise<never> {
    return refused("deleteTopicRecords", "records leave the log by retention (retention.ms, retention.bytes)");
  }
  alterPartitionReassignments(): Promise<never> {
    return refused("alterPartitionReassignments", "Edgelog places every replica itself");
  }
  listPartitionReassignments(): Promise<never> {
    return refused("listPartitionReassignments", "Edgelog places every replica itself");
  }

  on(type: AdminEventName, listener: (event: unknown) => void): () => void {
    return this.instrumentation.on(type, listener);
  }

  logger(): Logger {
    return this.log;
  }

  private async committed(groupId: string) {
    try {
      return await this.admin.fetchOffsets(groupId);
    } catch (error) {
      // Kafka answers -1 for every partition of a group that never committed.
      if (hasCode(error, "GROUP_ID_NOT_FOUND")) return [];
      throw error;
    }
  }
}

function topicResources(resources: ConfigResource[]): ConfigResource[] {
  for (const resource of resources) {
    if (resource.type !== ConfigResourceTypes.TOPIC) {
      throw new KafkaJSNonRetriableError(
        `config resource type ${resource.type}: Edgelog has topic configs only (ConfigResourceTypes.TOPIC)`,
      );
    }
  }
  return resources;
}

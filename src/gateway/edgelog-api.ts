// The gateway's calls to Edgelog's HTTP API, over the SDK's transport (fetch with a
// timeout, errors as EdgelogClientError with the server's code). Records cross as binary
// batches both ways (docs/PROTOCOL.md, "Binary batches"): keys, values and headers are
// bytes end to end, never base64 or JSON.

import { EdgelogClientError } from "../client/errors.js";
import { segment, Transport } from "../client/transport.js";
import { BATCH_MEDIA_TYPE } from "../protocol/batch-frame.js";
import { type FramePartition, readFetchFrame } from "../protocol/fetch-frame.js";
import type { KafkaConfigValues } from "../protocol/kafka-topic-configs.js";
import { writeBatch } from "./codec/record-batch.js";
import { nodeFetch } from "./node-fetch.js";

export interface TopicListing {
  name: string;
  partitions: number;
}

export interface TopicDescription {
  name: string;
  config: { replicationFactor: number } & KafkaConfigValues;
  partitions: unknown[];
}

/** {topic: [partitions]}, as on the group routes (docs/GROUPS.md). */
export type Assignment = Record<string, number[]>;

export interface GroupHeartbeat {
  memberId?: string;
  memberEpoch: number;
  topics?: string[];
  ownedPartitions?: Assignment;
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
}

export interface GroupHeartbeatAnswer {
  memberId: string;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  assignment: Assignment;
}

export interface OffsetCommitBody {
  memberId: string;
  memberEpoch: number;
  offsets: { topic: string; partition: number; offset: number; metadata?: string }[];
}

export interface GroupDescription {
  state: "Empty" | "Reconciling" | "Stable";
  members: { memberId: string; topics: string[]; assignment: Assignment }[];
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: number;
  metadata: string;
}

export interface ProduceOptions {
  acks: 0 | 1 | -1;
  producer?: { producerId: number; producerEpoch: number; baseSequence: number } | undefined;
}

export type PartitionFetch =
  | {
      topic: string;
      partition: number;
      /** The records as one RecordBatch v2 (empty when there are none). */
      batch: Buffer;
      recordCount: number;
      /** Past the records, and past any gap of a compacted log after them. */
      nextOffset: number;
      highWatermark: number;
      logStartOffset: number;
    }
  | { topic: string; partition: number; error: { code: string; message: string } };

/** The HTTP API's own bounds on one wait and one partition's records (maxWaitMs,
 * maxRecords, docs/PROTOCOL.md); Kafka bounds a fetch by bytes only. */
export const MAX_HTTP_WAIT_MS = 30_000;
const MAX_HTTP_FETCH_RECORDS = 10_000;

export class EdgelogApi {
  private readonly transport: Transport;

  constructor(url: string, token: string | undefined, requestTimeoutMs: number) {
    this.transport = new Transport({
      url,
      token,
      requestTimeoutMs,
      fetch: nodeFetch,
      // Uncompressed answers: asked for gzip, workerd compresses every JSON answer for
      // the gateway to inflate, a zlib stream each on both sides for each produce's few
      // KB of offsets (binary fetch answers are not compressed either way).
      headers: { "accept-encoding": "identity" },
    });
  }

  /** True when Edgelog accepts the token, whatever its scopes (GET /v1/whoami). */
  async acceptsToken(): Promise<boolean> {
    try {
      await this.transport.request("GET", "/v1/whoami");
      return true;
    } catch (error) {
      if (error instanceof EdgelogClientError && error.code === "SASL_AUTHENTICATION_FAILED") return false;
      throw error;
    }
  }

  async listTopics(): Promise<TopicListing[]> {
    const body = await this.transport.request<{ topics: TopicListing[] }>("GET", "/v1/topics");
    return body.topics;
  }

  async partitionCount(topic: string): Promise<number> {
    return (await this.describeTopic(topic)).partitions.length;
  }

  async describeTopic(topic: string): Promise<TopicDescription> {
    return await this.transport.request<TopicDescription>("GET", `/v1/topics/${segment(topic)}`);
  }

  async createTopic(body: Record<string, unknown>): Promise<void> {
    await this.transport.request("POST", "/v1/topics", body);
  }

  async deleteTopic(topic: string): Promise<void> {
    await this.transport.request("DELETE", `/v1/topics/${segment(topic)}`);
  }

  async createPartitions(topic: string, count: number): Promise<void> {
    await this.transport.request("POST", `/v1/topics/${segment(topic)}/partitions`, { count });
  }

  /** Appends a binary batch (encodeBatch) to one partition; the offset of its first
   * record, or null for acks=0. */
  async produce(topic: string, partition: number, batch: Uint8Array, options: ProduceOptions): Promise<number | null> {
    const acks = options.acks === -1 ? "all" : String(options.acks);
    const producer = options.producer;
    const idempotent = producer
      ? `&producerId=${producer.producerId}&producerEpoch=${producer.producerEpoch}&baseSequence=${producer.baseSequence}`
      : "";
    const path = `/v1/topics/${segment(topic)}/partitions/${partition}/records?acks=${acks}${idempotent}`;
    const answer = await this.transport.request<{ results?: { offset: number }[] }>("POST", path, batch, {
      contentType: BATCH_MEDIA_TYPE,
    });
    return answer.results?.[0]?.offset ?? null;
  }

  async fetch(
    partitions: { topic: string; partition: number; offset: number }[],
    maxWaitMs: number,
    maxBytes: number,
  ): Promise<PartitionFetch[]> {
    const waitMs = Math.min(maxWaitMs, MAX_HTTP_WAIT_MS);
    const frame = await this.transport.requestBytes(
      "POST",
      "/v1/fetch",
      { partitions, maxWaitMs: waitMs, maxBytes, maxRecords: MAX_HTTP_FETCH_RECORDS },
      BATCH_MEDIA_TYPE,
      { extraTimeMs: waitMs },
    );
    return readFetchFrame(frame).map(partitionFetchOf);
  }

  /** ListOffsets: `at` is "earliest", "latest" or a timestamp in ms. */
  async listOffset(topic: string, partition: number, at: string): Promise<{ offset: number; timestamp?: number }> {
    const path = `/v1/topics/${segment(topic)}/partitions/${partition}/offsets?at=${at}`;
    return await this.transport.request("GET", path);
  }

  async groupHeartbeat(group: string, body: GroupHeartbeat): Promise<GroupHeartbeatAnswer> {
    return await this.transport.request("POST", `/v1/groups/${segment(group)}/heartbeat`, body);
  }

  async commitOffsets(group: string, body: OffsetCommitBody): Promise<void> {
    await this.transport.request("POST", `/v1/groups/${segment(group)}/offsets`, body);
  }

  async committedOffsets(group: string): Promise<CommittedOffset[]> {
    const body = await this.transport.request<{ offsets: CommittedOffset[] }>(
      "GET",
      `/v1/groups/${segment(group)}/offsets`,
    );
    return body.offsets;
  }

  async listGroups(): Promise<string[]> {
    const body = await this.transport.request<{ groups: { groupId: string }[] }>("GET", "/v1/groups");
    return body.groups.map((group) => group.groupId);
  }

  async describeGroup(group: string): Promise<GroupDescription> {
    return await this.transport.request("GET", `/v1/groups/${segment(group)}`);
  }

  async initProducerId(): Promise<{ producerId: number; producerEpoch: number }> {
    return await this.transport.request("POST", "/v1/producers", {});
  }
}

/** A partition's answer with its records made a RecordBatch here, so that a read-ahead
 * (read-ahead.ts) has that done before the client asks. */
function partitionFetchOf(entry: FramePartition): PartitionFetch {
  const { topic, partition } = entry;
  if (!entry.ok) return { topic, partition, error: entry.error };
  const { recordCount, nextOffset, highWatermark, logStartOffset } = entry;
  return {
    topic,
    partition,
    batch: writeBatch(entry, nextOffset),
    recordCount,
    nextOffset,
    highWatermark,
    logStartOffset,
  };
}

// The gateway's calls to Edgelog's HTTP API, over the SDK's transport (fetch with a
// timeout, errors as EdgelogClientError with the server's code). Keys and values cross
// as base64 (docs/PROTOCOL.md, Encodings), header values as UTF-8 strings.

import { EdgelogClientError } from "../client/errors.js";
import { segment, Transport } from "../client/transport.js";
import type { FetchedRecord, KafkaRecord } from "./codec/record-batch.js";

export interface TopicListing {
  name: string;
  partitions: number;
}

export interface TopicDescription {
  name: string;
  config: {
    replicationFactor: number;
    minInsyncReplicas: number;
    retentionMs: number;
    retentionBytes: number;
    cleanupPolicy: string;
    minCompactionLagMs: number;
    maxCompactionLagMs: number;
    deleteRetentionMs: number;
    minCleanableDirtyRatio: number;
  };
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
      records: FetchedRecord[];
      highWatermark: number;
      logStartOffset: number;
      /** Past the records, and past any gap of a compacted log after them. */
      nextOffset: number;
    }
  | { topic: string; partition: number; error: { code: string; message: string } };

interface WireRecord {
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

type WireFetch =
  | {
      topic: string;
      partition: number;
      records: WireRecord[];
      highWatermark: number;
      logStartOffset: number;
      nextOffset: number;
    }
  | { topic: string; partition: number; error: { code: string; message: string } };

/** The HTTP API's own bounds on one wait and one partition's records (maxWaitMs,
 * maxRecords, docs/PROTOCOL.md); Kafka bounds a fetch by bytes only. */
export const MAX_HTTP_WAIT_MS = 30_000;
const MAX_HTTP_FETCH_RECORDS = 10_000;

export class EdgelogApi {
  private readonly transport: Transport;

  constructor(url: string, token: string | undefined, requestTimeoutMs: number) {
    this.transport = new Transport({ url, token, requestTimeoutMs, fetch: (input, init) => fetch(input, init) });
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

  /** Appends records to one partition; the offset of the first, or null for acks=0. */
  async produce(
    topic: string,
    partition: number,
    records: KafkaRecord[],
    options: ProduceOptions,
  ): Promise<number | null> {
    const acks = options.acks === -1 ? "all" : String(options.acks);
    const body = {
      encoding: "base64",
      records: records.map(wireRecordOf),
      ...(options.producer ?? {}),
    };
    const path = `/v1/topics/${segment(topic)}/partitions/${partition}/records?acks=${acks}`;
    const answer = await this.transport.request<{ results?: { offset: number }[] }>("POST", path, body);
    return answer.results?.[0]?.offset ?? null;
  }

  async fetch(
    partitions: { topic: string; partition: number; offset: number }[],
    maxWaitMs: number,
    maxBytes: number,
  ): Promise<PartitionFetch[]> {
    const waitMs = Math.min(maxWaitMs, MAX_HTTP_WAIT_MS);
    const body = await this.transport.request<{ partitions: WireFetch[] }>(
      "POST",
      "/v1/fetch",
      { partitions, maxWaitMs: waitMs, maxBytes, maxRecords: MAX_HTTP_FETCH_RECORDS, encoding: "base64" },
      { extraTimeMs: waitMs },
    );
    return body.partitions.map((entry) =>
      "error" in entry ? entry : { ...entry, records: entry.records.map(fetchedRecordOf) },
    );
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

function wireRecordOf(record: KafkaRecord): Record<string, unknown> {
  const headers: Record<string, string> = {};
  for (const header of record.headers) headers[header.key] = header.value?.toString("utf8") ?? "";
  return {
    key: record.key === null ? null : record.key.toString("base64"),
    value: record.value === null ? null : record.value.toString("base64"),
    ...(record.headers.length > 0 ? { headers } : {}),
    ...(record.timestampMs >= 0 ? { timestamp: record.timestampMs } : {}),
  };
}

function fetchedRecordOf(record: WireRecord): FetchedRecord {
  return {
    offset: record.offset,
    timestampMs: record.timestamp,
    key: bytesOf(record.key),
    value: bytesOf(record.value),
    headers: Object.entries(record.headers).map(([key, value]) => ({ key, value: Buffer.from(value, "utf8") })),
  };
}

/** Node's base64 (the gateway runs in Node): the server's own is canonical, and
 * Buffer's decoder is many times faster than atob on the fetch path. */
function bytesOf(text: string | null): Buffer | null {
  return text === null ? null : Buffer.from(text, "base64");
}

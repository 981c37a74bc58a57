// Consumer groups as the API shows them (Kafka KIP-848: the coordinator computes the
// assignment, one heartbeat call joins, reconciles and leaves), shared by the server
// and the SDK.

import type { ErrorData } from "./errors.js";
import type { Limits } from "./limits.js";

/** `{topic: [partitions]}`, partitions ascending: assignments and ownedPartitions. */
export type Assignment = Record<string, number[]>;

/** Where an offset reset moves a group's committed offsets (kafka-consumer-groups
 * --to-earliest, --to-latest, --to-datetime, --to-offset). */
export type ResetTarget = "earliest" | "latest" | { timestamp: number } | { offset: number };

/** Empty: no members. Stable: every member owns exactly its target assignment at the
 * group's assignment epoch. Reconciling: some partition is still on its way. */
export type GroupState = "Empty" | "Stable" | "Reconciling";

/** memberEpoch 0 in a heartbeat joins (or rejoins after being fenced); -1 leaves. */
export const JOIN_EPOCH = 0;
export const LEAVE_EPOCH = -1;

export const DEFAULT_SESSION_TIMEOUT_MS = 45_000;
export const DEFAULT_REBALANCE_TIMEOUT_MS = 300_000;
/** Kafka's group.consumer.heartbeat.interval.ms. */
const MAX_HEARTBEAT_INTERVAL_MS = 5_000;

export interface HeartbeatRequest {
  memberId?: string | undefined;
  memberEpoch: number;
  /** The subscription; required to join, omitted when unchanged. */
  topics?: string[] | undefined;
  /** What the member holds now; omitted when unchanged since its last heartbeat. */
  ownedPartitions?: Assignment | undefined;
  sessionTimeoutMs?: number | undefined;
  rebalanceTimeoutMs?: number | undefined;
  /** Names the client in describe (Kafka's client.id); kept until another is sent. */
  clientId?: string | undefined;
}

export interface HeartbeatResponse {
  memberId: string;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  assignment: Assignment;
}

export interface OffsetCommit {
  topic: string;
  partition: number;
  offset: number;
  metadata?: string | undefined;
}

/** Where a group fetch starts a partition: `offset` becomes its committed offset
 * only if that is still `replaces` (null: none yet), so a real commit always wins. */
export interface StartPosition {
  topic: string;
  partition: number;
  offset: number;
  replaces: number | null;
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** The next offset to consume, as Kafka commits it. */
  offset: number;
  metadata: string;
  commitTimestamp: number;
}

/** A committed offset with its partition's highWatermark now; null when the
 * partition's leader could not be asked (deleted topic, unreachable leader). */
export interface OffsetWithLag extends CommittedOffset {
  highWatermark: number | null;
  lag: number | null;
}

export interface MemberDescription {
  memberId: string;
  memberEpoch: number;
  /** As the member's heartbeats named it; "" when none did. */
  clientId: string;
  /** The address the member's join came from (the caller's IP); "" when unknown. */
  clientHost: string;
  topics: string[];
  /** What the member has been given and may consume now. */
  assignment: Assignment;
  /** Taken from the member, not yet released by it (not listed in ownedPartitions). */
  partitionsPendingRevocation: Assignment;
  targetAssignment: Assignment;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
}

export interface GroupDescription {
  groupId: string;
  state: GroupState;
  groupEpoch: number;
  /** The groupEpoch the target assignment was computed at. */
  assignmentEpoch: number;
  members: MemberDescription[];
}

const ID = /^[a-zA-Z0-9._-]+$/;
const MAX_MEMBER_ID_LENGTH = 64;

/** Group ids obey the topic name rule: [a-zA-Z0-9._-]{1,249}, not "." or "..". */
export function checkGroupId(groupId: string, limits: Limits): ErrorData | null {
  if (groupId.length > 0 && groupId.length <= limits.maxGroupIdLength && ID.test(groupId) && !/^\.\.?$/.test(groupId)) {
    return null;
  }
  return {
    code: "INVALID_REQUEST",
    message: `group id must match [a-zA-Z0-9._-]{1,${limits.maxGroupIdLength}} and not be "." or ".."`,
  };
}

/** Member ids are server-made UUIDs, or the client's own (KIP-1082) of the same charset. */
export const MEMBER_ID_RULE = `[a-zA-Z0-9._-]{1,${MAX_MEMBER_ID_LENGTH}}`;

/** Kafka's client.id is free text; here it is printable ASCII and bounded, as it is
 * stored with the member and shown to operators. */
export const MAX_CLIENT_ID_LENGTH = 255;
export const CLIENT_ID_PATTERN = /^[\x20-\x7e]+$/;

/** Three heartbeats per session at least, and never slower than Kafka's 5 s. */
export function heartbeatIntervalMs(sessionTimeoutMs: number): number {
  return Math.min(MAX_HEARTBEAT_INTERVAL_MS, Math.floor(sessionTimeoutMs / 3));
}

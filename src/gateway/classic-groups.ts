// Kafka's classic group protocol mapped onto Edgelog's KIP-848 coordinator. No client
// is ever elected leader: JoinGroup names a leader that is no member, so every client
// is a follower, and SyncGroup hands each one the assignment the coordinator computed.
// A client holds what it was handed until it rejoins; that is what the gateway reports
// as its owned partitions, so a partition revoked from it is granted elsewhere only
// after it rejoined. A Heartbeat whose answer differs from what was handed answers
// REBALANCE_IN_PROGRESS, and the client rejoins and syncs to pick up the change.

import { randomUUID } from "node:crypto";
import { EdgelogClientError } from "../client/errors.js";
import { DEFAULT_LIMITS } from "../protocol/limits.js";
import { errorCodeOf } from "./apis/call-error.js";
import { type Subscription, sameAssignment } from "./apis/consumer-protocol.js";
import type { Assignment, EdgelogApi } from "./edgelog-api.js";
import { KAFKA_ERROR } from "./kafka-errors.js";
import type { ClassicMember, ConnectionSession } from "./session.js";

// The server's default bounds: a client's timeouts are brought inside them rather than refused.
const { minSessionTimeoutMs, maxSessionTimeoutMs, maxRebalanceTimeoutMs } = DEFAULT_LIMITS;

/** The leader JoinGroup names: no member has this id, so no client computes assignments. */
export const NO_LEADER = "edgelog-coordinator";

export type GroupOutcome<T> = ({ errorCode: 0 } & T) | { errorCode: number };

export interface JoinRequest {
  groupId: string;
  memberId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  subscription: Subscription;
}

export interface Groups {
  edgelog: EdgelogApi;
  session: ConnectionSession;
}

export async function join(
  groups: Groups,
  request: JoinRequest,
): Promise<GroupOutcome<{ memberId: string; generationId: number }>> {
  const { groupId, subscription } = request;
  const memberId = request.memberId === "" ? `kafka-${randomUUID()}` : request.memberId;
  const known = request.memberId === "" ? undefined : groups.session.classic.get(groupId, memberId);
  const timeouts = {
    sessionTimeoutMs: clamp(request.sessionTimeoutMs, minSessionTimeoutMs, maxSessionTimeoutMs),
    rebalanceTimeoutMs: rebalanceTimeoutWithin(request.rebalanceTimeoutMs),
  };
  // A member this connection knows rejoins at its epoch, owning what it kept (nothing
  // for an eager client); any other (re)joins at epoch 0, which drops whatever it held.
  const answer = await call(() =>
    groups.edgelog.groupHeartbeat(groupId, {
      memberId,
      memberEpoch: known ? known.memberEpoch : 0,
      topics: subscription.topics,
      ownedPartitions: subscription.owned,
      ...timeouts,
    }),
  );
  if ("errorCode" in answer) {
    if (known) groups.session.classic.forget(groupId, memberId);
    return answer;
  }
  const generationId = known ? known.generationId + 1 : answer.memberEpoch;
  const member: ClassicMember = {
    generationId,
    memberEpoch: answer.memberEpoch,
    topics: subscription.topics,
    handed: null,
  };
  if (!groups.session.classic.remember(groupId, memberId, member))
    return { errorCode: KAFKA_ERROR.GROUP_MAX_SIZE_REACHED };
  return { errorCode: 0, memberId, generationId };
}

export async function sync(
  groups: Groups,
  groupId: string,
  memberId: string,
  generationId: number,
): Promise<GroupOutcome<{ assignment: Assignment; topics: string[] }>> {
  const member = current(groups, groupId, memberId, generationId);
  if ("errorCode" in member) return member;
  const answer = await call(() =>
    groups.edgelog.groupHeartbeat(groupId, {
      memberId,
      memberEpoch: member.memberEpoch,
      ownedPartitions: member.handed ?? {},
    }),
  );
  if ("errorCode" in answer) return forgetOn(groups, groupId, memberId, answer);
  member.memberEpoch = answer.memberEpoch;
  member.handed = answer.assignment;
  return { errorCode: 0, assignment: answer.assignment, topics: member.topics };
}

export async function heartbeat(
  groups: Groups,
  groupId: string,
  memberId: string,
  generationId: number,
): Promise<number> {
  const member = current(groups, groupId, memberId, generationId);
  if ("errorCode" in member) return member.errorCode;
  if (member.handed === null) return KAFKA_ERROR.REBALANCE_IN_PROGRESS;
  const handed = member.handed;
  const answer = await call(() =>
    groups.edgelog.groupHeartbeat(groupId, { memberId, memberEpoch: member.memberEpoch, ownedPartitions: handed }),
  );
  if ("errorCode" in answer) return forgetOn(groups, groupId, memberId, answer).errorCode;
  member.memberEpoch = answer.memberEpoch;
  return sameAssignment(answer.assignment, handed) ? KAFKA_ERROR.NONE : KAFKA_ERROR.REBALANCE_IN_PROGRESS;
}

export async function leave(groups: Groups, groupId: string, memberId: string): Promise<number> {
  groups.session.classic.forget(groupId, memberId);
  const answer = await call(() => groups.edgelog.groupHeartbeat(groupId, { memberId, memberEpoch: -1 }));
  return "errorCode" in answer ? answer.errorCode : KAFKA_ERROR.NONE;
}

/** A client's rebalance timeout brought inside the server's bounds rather than refused. */
export function rebalanceTimeoutWithin(rebalanceTimeoutMs: number): number {
  return clamp(rebalanceTimeoutMs, minSessionTimeoutMs, maxRebalanceTimeoutMs);
}

/** The member's current KIP-848 epoch for a commit carrying `generationId`: a KIP-848
 * member's own epoch, which Edgelog fences; a classic member's, once its generation matches. */
export function commitEpoch(
  groups: Groups,
  groupId: string,
  memberId: string,
  generationId: number,
): GroupOutcome<{ memberEpoch: number }> {
  if (groups.session.consumers.get(groupId, memberId)) return { errorCode: 0, memberEpoch: generationId };
  const member = current(groups, groupId, memberId, generationId);
  return "errorCode" in member ? member : { errorCode: 0, memberEpoch: member.memberEpoch };
}

function current(
  groups: Groups,
  groupId: string,
  memberId: string,
  generationId: number,
): ClassicMember | { errorCode: number } {
  const member = groups.session.classic.get(groupId, memberId);
  // Joined through another connection (or gateway): this one cannot vouch for what it
  // holds, so the client rejoins, keeping its member id (which releases what it held).
  if (!member) return { errorCode: KAFKA_ERROR.REBALANCE_IN_PROGRESS };
  if (member.generationId !== generationId) return { errorCode: KAFKA_ERROR.ILLEGAL_GENERATION };
  return member;
}

function forgetOn(
  groups: Groups,
  groupId: string,
  memberId: string,
  failed: { errorCode: number },
): { errorCode: number } {
  if (failed.errorCode === KAFKA_ERROR.UNKNOWN_MEMBER_ID || failed.errorCode === KAFKA_ERROR.ILLEGAL_GENERATION) {
    groups.session.classic.forget(groupId, memberId);
  }
  return failed;
}

/** Edgelog's answer, or the classic protocol's error for its failure. */
async function call<T>(run: () => Promise<T>): Promise<T | { errorCode: number }> {
  try {
    return await run();
  } catch (error) {
    return { errorCode: classicErrorOf(error) };
  }
}

/** KIP-848's epoch errors are ILLEGAL_GENERATION to a classic client, which then rejoins. */
export function classicErrorOf(error: unknown): number {
  if (
    error instanceof EdgelogClientError &&
    (error.code === "FENCED_MEMBER_EPOCH" || error.code === "STALE_MEMBER_EPOCH")
  ) {
    return KAFKA_ERROR.ILLEGAL_GENERATION;
  }
  return errorCodeOf(error);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

// ConsumerGroupHeartbeat (key 68), v0-v1: KIP-848's consumer group protocol, which is
// Edgelog's own, so each heartbeat is one POST /v1/groups/{g}/heartbeat: the member's
// id and epoch, its subscription (when it sends one), the partitions it owns, and
// its rebalance timeout (inside the server's bounds) in; its epoch, heartbeat
// interval and assignment out. Topics travel as ids on the wire and as names to
// Edgelog (topic-ids.ts); the connection remembers which names a member's ids stand for.
// Not offered: regular-expression subscriptions, static membership (the instance id is
// ignored, a -2 epoch leaves as -1 does), client-chosen assignors (the coordinator's).

import { rebalanceTimeoutWithin } from "../classic-groups.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import type { Assignment, GroupHeartbeat } from "../edgelog-api.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { namesById, TOPIC_ID_BYTES } from "../topic-ids.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";
import { errorCodeOf, errorMessageOf } from "./call-error.js";

const LEAVE_EPOCH = -1;
const STATIC_LEAVE_EPOCH = -2;
/** v1 added subscribed_topic_regex. */
const REGEX_FROM = 1;

interface Asked {
  groupId: string;
  memberId: string;
  memberEpoch: number;
  rebalanceTimeoutMs: number;
  /** null: unchanged since its last heartbeat. */
  topics: string[] | null;
  regex: string | null;
  /** Topic id (hex) to partitions; null: unchanged. */
  owned: Map<string, number[]> | null;
}

interface Answer {
  errorCode: number;
  errorMessage: string | null;
  memberId: string | null;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  assignment: Assignment | null;
}

export const consumerGroupHeartbeatApi: KafkaApi = {
  key: 68,
  name: "ConsumerGroupHeartbeat",
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: 0,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    return answerBody(await heartbeat(readRequest(request, context.version), context), context);
  },
};

function readRequest(request: Reader, version: number): Asked {
  const groupId = request.string(true);
  const memberId = request.string(true);
  const memberEpoch = request.int32();
  request.nullableString(true); // instance_id: static membership is not built
  request.nullableString(true); // rack_id: one broker, every replica is local
  const rebalanceTimeoutMs = request.int32();
  const topics = request.nullableArray(true, (t) => t.string(true));
  const regex = version >= REGEX_FROM ? request.nullableString(true) : null;
  request.nullableString(true); // server_assignor: the coordinator assigns with its own
  const owned = request.nullableArray(true, (t) => {
    const entry: [string, number[]] = [t.raw(TOPIC_ID_BYTES).toString("hex"), t.array(true, (p) => p.int32())];
    t.endStruct(true);
    return entry;
  });
  request.endStruct(true);
  return { groupId, memberId, memberEpoch, rebalanceTimeoutMs, topics, regex, owned: owned && new Map(owned) };
}

async function heartbeat(asked: Asked, context: RequestContext): Promise<Answer> {
  const { groupId, memberId } = asked;
  const { session } = context;
  if (asked.regex !== null) return failed(KAFKA_ERROR.INVALID_REQUEST, "regular-expression subscriptions");
  const leaving = asked.memberEpoch === LEAVE_EPOCH || asked.memberEpoch === STATIC_LEAVE_EPOCH;
  const known = session.consumers.get(groupId, memberId)?.topics ?? [];
  const body: GroupHeartbeat = {
    ...(memberId === "" ? {} : { memberId }),
    memberEpoch: leaving ? LEAVE_EPOCH : asked.memberEpoch,
    ...(asked.topics === null ? {} : { topics: asked.topics }),
    ...(asked.owned === null
      ? {}
      : { ownedPartitions: ownedByName(asked.owned, [...known, ...(asked.topics ?? [])], context) }),
    ...(asked.rebalanceTimeoutMs < 0 ? {} : { rebalanceTimeoutMs: rebalanceTimeoutWithin(asked.rebalanceTimeoutMs) }),
  };
  try {
    const answer = await context.edgelog.groupHeartbeat(groupId, body);
    if (leaving) session.consumers.forget(groupId, answer.memberId);
    else {
      const topics = [...new Set([...(asked.topics ?? known), ...Object.keys(answer.assignment)])];
      if (!session.consumers.remember(groupId, answer.memberId, { topics })) {
        return failed(KAFKA_ERROR.GROUP_MAX_SIZE_REACHED, "too many group members on this connection");
      }
    }
    return {
      errorCode: KAFKA_ERROR.NONE,
      errorMessage: null,
      memberId: answer.memberId,
      memberEpoch: answer.memberEpoch,
      heartbeatIntervalMs: answer.heartbeatIntervalMs,
      assignment: leaving ? null : answer.assignment,
    };
  } catch (error) {
    const errorCode = errorCodeOf(error);
    if (errorCode === KAFKA_ERROR.UNKNOWN_MEMBER_ID || errorCode === KAFKA_ERROR.FENCED_MEMBER_EPOCH) {
      session.consumers.forget(groupId, memberId);
    }
    return failed(errorCode, errorMessageOf(error));
  }
}

/** Owned topic ids as names (the member's topics', else any this gateway answered);
 * an id neither has is ignored, as a broker ignores a topic it does not know. */
function ownedByName(owned: Map<string, number[]>, topics: string[], context: RequestContext): Assignment {
  const names = namesById(topics);
  const assignment: Assignment = {};
  for (const [id, partitions] of owned) {
    const name = names.get(id) ?? context.topicIds.nameOf(Buffer.from(id, "hex"));
    if (name !== undefined) assignment[name] = partitions;
  }
  return assignment;
}

function failed(errorCode: number, errorMessage: string): Answer {
  return { errorCode, errorMessage, memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null };
}

function answerBody(answer: Answer, context: RequestContext): Writer {
  const writer = new Writer()
    .int32(NO_THROTTLE_MS)
    .int16(answer.errorCode)
    .nullableString(answer.errorMessage, true)
    .nullableString(answer.memberId, true)
    .int32(answer.memberEpoch)
    .int32(answer.heartbeatIntervalMs);
  if (answer.assignment === null) writer.int8(-1);
  else {
    writer.int8(1).array(Object.entries(answer.assignment), true, (w, [topic, partitions]) => {
      w.raw(context.topicIds.idOf(topic))
        .array(partitions, true, (p, partition) => p.int32(partition))
        .endStruct(true);
    });
    writer.endStruct(true);
  }
  return writer.endStruct(true);
}

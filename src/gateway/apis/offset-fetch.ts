// OffsetFetch (key 9), v1-v8: GET /v1/groups/{group}/offsets. A partition with no
// committed offset (or a group that does not exist yet) answers offset -1, as brokers
// do. v8 asks for several groups at once (KIP-709), each answered on its own.

import { EdgelogClientError } from "../../client/errors.js";
import { mapBounded } from "../../common/bounded-map.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import type { CommittedOffset } from "../edgelog-api.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";
import { errorCodeOf } from "./call-error.js";

const BATCHED_FROM = 8;

interface Asked {
  name: string;
  partitions: number[];
}

interface GroupAnswer {
  groupId: string;
  errorCode: number;
  topics: Asked[];
  byKey: Map<string, CommittedOffset>;
}

export const offsetFetchApi: KafkaApi = {
  key: 9,
  name: "OffsetFetch",
  minVersion: 1,
  maxVersion: 8,
  flexibleFrom: 6,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const { version, flexible } = context;
    const writer = new Writer();
    if (version >= 3) writer.int32(NO_THROTTLE_MS);
    if (version >= BATCHED_FROM) {
      const groups = request.array(true, (g) => {
        const asked = { groupId: g.string(true), topics: readTopics(g, true) };
        g.endStruct(true);
        return asked;
      });
      endRequest(request, version, true);
      const answers = await mapBounded(groups, context.limits.maxConcurrentCalls, (g) =>
        fetchGroup(g.groupId, g.topics, context),
      );
      writer.array(answers, true, (w, answer) => {
        w.string(answer.groupId, true);
        writeTopics(w, answer, version);
        w.int16(answer.errorCode).endStruct(true);
      });
      return writer.endStruct(true);
    }
    const groupId = request.string(flexible);
    const topics = readTopics(request, flexible);
    endRequest(request, version, flexible);
    const answer = await fetchGroup(groupId, topics, context);
    writeTopics(writer, answer, version);
    if (version >= 2) writer.int16(answer.errorCode);
    return writer.endStruct(flexible);
  },
};

function readTopics(request: Reader, flexible: boolean): Asked[] | null {
  return request.nullableArray(flexible, (t): Asked => {
    const asked = { name: t.string(flexible), partitions: t.array(flexible, (p) => p.int32()) };
    t.endStruct(flexible);
    return asked;
  });
}

function endRequest(request: Reader, version: number, flexible: boolean): void {
  if (version >= 7) request.bool(); // require_stable: no transactions, so every offset is stable
  request.endStruct(flexible);
}

async function fetchGroup(groupId: string, asked: Asked[] | null, context: RequestContext): Promise<GroupAnswer> {
  let committed: CommittedOffset[] = [];
  let errorCode: number = KAFKA_ERROR.NONE;
  try {
    committed = await context.edgelog.committedOffsets(groupId);
  } catch (error) {
    const missing = error instanceof EdgelogClientError && error.code === "GROUP_ID_NOT_FOUND";
    if (!missing) errorCode = errorCodeOf(error);
  }
  const byKey = new Map(committed.map((c) => [`${c.partition}:${c.topic}`, c]));
  return { groupId, errorCode, topics: asked ?? everyCommittedTopic(committed), byKey };
}

function writeTopics(writer: Writer, answer: GroupAnswer, version: number): void {
  const flexible = version >= offsetFetchApi.flexibleFrom;
  // Up to v7 the error is also each partition's; v8 carries it per group only.
  const partitionErrorCode = version >= BATCHED_FROM ? KAFKA_ERROR.NONE : answer.errorCode;
  writer.array(answer.topics, flexible, (w, topic) => {
    w.string(topic.name, flexible).array(topic.partitions, flexible, (p, index) => {
      const found = answer.byKey.get(`${index}:${topic.name}`);
      p.int32(index).int64(found?.offset ?? -1);
      if (version >= 5) p.int32(-1);
      p.nullableString(found?.metadata ?? "", flexible)
        .int16(partitionErrorCode)
        .endStruct(flexible);
    });
    w.endStruct(flexible);
  });
}

function everyCommittedTopic(committed: CommittedOffset[]): Asked[] {
  const topics = new Map<string, number[]>();
  for (const c of committed) topics.set(c.topic, [...(topics.get(c.topic) ?? []), c.partition]);
  return [...topics].map(([name, partitions]) => ({ name, partitions }));
}
